// A full disk (SQLite's max_page_count through TRAILMARK_MAX_PAGE_COUNT, as a small
// tmpfs would do it): ingest fails with a clear error, keeps the spool records for
// later, the file stays valid, and once there is room every record is stored once.
#include "TestSupport.h"
#include "store/Store.h"
#include "trailmark/v1/event.pb.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <sqlite3.h>

#include <unistd.h>

using namespace trailmark;
using namespace trailmark::test;

namespace {

constexpr int kCommands = 2000;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

} // namespace

class TestDiskFull final : public QObject
{
    Q_OBJECT

private:
    TempDatabase m_database;
    QString m_spool;

    Run trailmark(const QStringList& arguments, const QString& maxPages = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_spool);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_database.directory() + QStringLiteral("/config"));
        env.remove(QStringLiteral("TRAILMARK_MAX_PAGE_COUNT"));
        if (!maxPages.isEmpty())
            env.insert(QStringLiteral("TRAILMARK_MAX_PAGE_COUNT"), maxPages);
        QProcess process;
        process.setProcessEnvironment(env);
        process.start(QStringLiteral(TRAILMARK_BINARY),
                      QStringList{QStringLiteral("--db"), m_database.path()} + arguments);
        Run run;
        if (!process.waitForFinished(60000))
            return run;
        run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        run.out = QString::fromUtf8(process.readAllStandardOutput());
        run.err = QString::fromUtf8(process.readAllStandardError());
        return run;
    }

    qint64 pageCount()
    {
        QString error;
        auto store = store::Store::open(m_database.path(), store::Store::Access::ReadOnly, &error);
        if (!store)
            return -1;
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(store->handle(), "PRAGMA page_count", -1, &statement, nullptr) != SQLITE_OK)
            return -1;
        const qint64 pages = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
        sqlite3_finalize(statement);
        return pages;
    }

    // Command text -> how often stored, over every session.
    QHash<QByteArray, int> storedCommands()
    {
        QHash<QByteArray, int> commands;
        QString error;
        auto store = store::Store::open(m_database.path(), store::Store::Access::ReadOnly, &error);
        if (!store)
            return commands;
        for (const store::SessionSummary& summary :
             store->sessionSummaries(&error).value_or(QList<store::SessionSummary>{})) {
            store->readEvents(
                QString::fromStdString(summary.session.id()), 0, -1,
                [&](const store::StoredEvent& stored) {
                    if (stored.event.has_command_started())
                        ++commands[QByteArray::fromStdString(stored.event.command_started().command())];
                    return true;
                },
                &error);
        }
        return commands;
    }

private Q_SLOTS:
    void fullDatabaseKeepsTheSpoolForLater()
    {
        m_spool = m_database.directory() + QStringLiteral("/spool");
        QVERIFY(QDir().mkpath(m_spool));
        QVERIFY(QFile::setPermissions(m_spool, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QCOMPARE(trailmark({QStringLiteral("sessions")}).exitCode, 0); // creates the file
        const qint64 pages = pageCount();
        QVERIFY(pages > 0);

        // A shell that is gone (pid above pid_max) left 2000 commands of ~200 bytes.
        const QString spoolFile = m_spool + QStringLiteral("/bash-99999999-1764335400000000.1.spool");
        {
            QFile file(spoolFile);
            QVERIFY(file.open(QIODevice::WriteOnly));
            QVERIFY(file.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
            const QByteArray padding(180, 'p');
            for (int i = 1; i <= kCommands; ++i) {
                const QByteArray id = "bash-99999999-1764335400000000-" + QByteArray::number(i);
                file.write("S\t" + id + "\t1764335400." + QByteArray::number(i) + "\t/tmp\tfill-" +
                           QByteArray::number(i) + " " + padding + "\n");
                file.write("E\t" + id + "\t1764335401\t0\t0\t1000\n");
            }
        }

        // Room for a few pages only: the batch cannot be committed.
        const Run full = trailmark({QStringLiteral("ingest")}, QString::number(pages + 4));
        qInfo("full: %s", qPrintable(full.err.trimmed()));
        QCOMPARE(full.exitCode, 1);
        QVERIFY2(full.err.contains(QStringLiteral("full")), qPrintable(full.err));
        QVERIFY2(full.err.contains(QStringLiteral("trailmark")), qPrintable(full.err));
        QVERIFY(QFile::exists(spoolFile)); // kept for later
        const Run verify = trailmark({QStringLiteral("verify")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));

        // Room again: everything, exactly once, and the finished spool file goes.
        const Run room = trailmark({QStringLiteral("ingest")});
        QVERIFY2(room.exitCode == 0, qPrintable(room.err));
        const QHash<QByteArray, int> stored = storedCommands();
        QCOMPARE(stored.size(), kCommands);
        for (auto it = stored.cbegin(); it != stored.cend(); ++it)
            QVERIFY2(it.value() == 1, it.key().constData());
        QVERIFY(!QFile::exists(spoolFile));
        QCOMPARE(trailmark({QStringLiteral("verify")}).exitCode, 0);
    }

    // `trailmark record` on a database with no room: it says recording is on hold, keeps
    // the shell's commands in the spool, refuses notes with a clear error, and goes on by
    // itself once space is freed: every command exactly once, a GAP marker for the hold,
    // and a file that verifies.
    void recordingHoldsWhileFullAndGoesOn()
    {
        m_spool = m_database.directory() + QStringLiteral("/spool-live");
        QVERIFY(QDir().mkpath(m_spool));
        QVERIFY(QFile::setPermissions(m_spool, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        QCOMPARE(trailmark({QStringLiteral("sessions")}).exitCode, 0);
        // 2 MB of something the user can delete later (a download next to the database).
        {
            QString error;
            auto store = store::Store::open(m_database.path(), store::Store::Access::ReadWrite, &error);
            QVERIFY2(store, qPrintable(error));
            QByteArray filler(2'000'000, Qt::Uninitialized);
            for (qsizetype i = 0; i < filler.size(); ++i)
                filler[i] = static_cast<char>((i * 7919) >> 3); // incompressible enough; SQLite stores it as is
            QVERIFY2(store->putBlob(filler, QStringLiteral("test/filler"), &error), qPrintable(error));
        }
        const qint64 pages = pageCount();

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_spool);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_database.directory() + QStringLiteral("/config"));
        env.insert(QStringLiteral("TRAILMARK_MAX_PAGE_COUNT"), QString::number(pages + 3));
        env.remove(QStringLiteral("DISPLAY")); // shell and notes only
        QProcess recorder;
        recorder.setProcessEnvironment(env);
        recorder.start(QStringLiteral(TRAILMARK_BINARY),
                       {QStringLiteral("--db"), m_database.path(), QStringLiteral("record"), QStringLiteral("--task"),
                        QStringLiteral("disk full"), QStringLiteral("--no-screenshots")});
        QString stderrText;
        const auto waitForStderr = [&](const QString& text) {
            for (int i = 0; i < 300 && !stderrText.contains(text); ++i) {
                recorder.waitForReadyRead(100);
                stderrText += QString::fromUtf8(recorder.readAllStandardError());
            }
            return stderrText.contains(text);
        };
        QVERIFY2(waitForStderr(QStringLiteral("stop with Ctrl+C")), qPrintable(stderrText));

        // A live shell (this process: its pid exists) types 300 commands.
        const QString spoolFile = m_spool + QStringLiteral("/bash-%1-1764335400000000.1.spool").arg(::getpid());
        const auto writeCommands = [&](int from, int to) {
            QFile file(spoolFile);
            if (!file.open(QIODevice::Append))
                return false;
            file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
            const QByteArray padding(180, 'p');
            for (int i = from; i <= to; ++i) {
                const QByteArray id = "c-" + QByteArray::number(i);
                file.write("S\t" + id + "\t1764335400." + QByteArray::number(i) + "\t/tmp\tlive-" +
                           QByteArray::number(i) + " " + padding + "\n");
                file.write("E\t" + id + "\t1764335401\t0\t0\t1000\n");
            }
            return true;
        };
        QVERIFY(writeCommands(1, 300));
        QVERIFY2(waitForStderr(QStringLiteral("recording is on hold")), qPrintable(stderrText));
        QVERIFY2(stderrText.contains(QStringLiteral("full")), qPrintable(stderrText));
        qInfo("record: %s", qPrintable(stderrText.section(QLatin1Char('\n'), -2).trimmed()));
        QCOMPARE(recorder.state(), QProcess::Running);
        QVERIFY(QFile::exists(spoolFile));

        const Run note = trailmark({QStringLiteral("note"), QStringLiteral("while full")});
        QVERIFY2(note.exitCode != 0, qPrintable(note.out));
        QVERIFY2(note.err.contains(QStringLiteral("not stored")), qPrintable(note.err));
        qInfo("note: %s", qPrintable(note.err.trimmed()));
        const Run verifyWhileHeld = trailmark({QStringLiteral("verify")});
        QVERIFY2(verifyWhileHeld.exitCode == 0, qPrintable(verifyWhileHeld.out + verifyWhileHeld.err));
        QVERIFY(writeCommands(301, 320)); // typed while on hold

        // The user frees space; the recorder notices by itself.
        {
            QString error;
            auto store = store::Store::open(m_database.path(), store::Store::Access::ReadWrite, &error);
            QVERIFY2(store, qPrintable(error));
            QVERIFY(sqlite3_exec(store->handle(), "DELETE FROM blobs WHERE mime='test/filler'", nullptr, nullptr,
                                 nullptr) == SQLITE_OK);
        }
        QVERIFY2(waitForStderr(QStringLiteral("takes writes again")), qPrintable(stderrText));
        QVERIFY(writeCommands(321, 330)); // after the hold
        QHash<QByteArray, int> stored;
        for (int i = 0; i < 100 && stored.size() < 330; ++i) {
            QTest::qWait(100);
            stored = storedCommands();
            stored.removeIf([](const auto& entry) { return !entry.key().startsWith("live-"); });
        }
        QCOMPARE(stored.size(), 330);
        for (auto it = stored.cbegin(); it != stored.cend(); ++it)
            QVERIFY2(it.value() == 1, it.key().constData());

        recorder.terminate();
        QVERIFY(recorder.waitForFinished(30000));
        stderrText += QString::fromUtf8(recorder.readAllStandardError());
        QVERIFY2(recorder.exitCode() == 0, qPrintable(stderrText));
        const Run show = trailmark({QStringLiteral("sessions")});
        QVERIFY2(show.out.contains(QStringLiteral("finished")), qPrintable(show.out));
        QVERIFY2(countGapMarkers() == 1, qPrintable(QString::number(countGapMarkers())));
        QCOMPARE(trailmark({QStringLiteral("verify")}).exitCode, 0);
    }

private:
    int countGapMarkers()
    {
        int gaps = 0;
        QString error;
        auto store = store::Store::open(m_database.path(), store::Store::Access::ReadOnly, &error);
        if (!store)
            return -1;
        for (const store::SessionSummary& summary :
             store->sessionSummaries(&error).value_or(QList<store::SessionSummary>{})) {
            store->readEvents(
                QString::fromStdString(summary.session.id()), 0, -1,
                [&](const store::StoredEvent& stored) {
                    gaps += stored.event.has_marker() && stored.event.marker().kind() == v1::Marker::KIND_GAP;
                    return true;
                },
                &error);
        }
        return gaps;
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "TestDiskFull.moc"
