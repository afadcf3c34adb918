// The recorder is killed with SIGKILL at random points while a shell keeps writing
// spool records at a steady rate, and restarted each time. After every kill the file
// verifies and nothing that was committed is gone; at the end every record written is
// stored exactly once, and every killed session is marked interrupted.
#include "TestSupport.h"
#include "X11TestClient.h"
#include "store/Store.h"
#include "trailmark/v1/event.pb.h"
#include "trailmark/v1/session.pb.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

using namespace trailmark;
using namespace trailmark::test;

namespace {

constexpr int kKills = 24;
// Records per spool generation: the hook rotates the same way, so the ingester also
// deletes finished generations under the kills.
constexpr int kRecordsPerGeneration = 150;

// Writes records as the bash hook does: one write() of a whole line with O_APPEND,
// S and E per command with unique command text, at a steady rate.
class SpoolWriter
{
public:
    explicit SpoolWriter(QString directory)
        : m_directory(std::move(directory))
        , m_session(
              QStringLiteral("bash-%1-%2").arg(::getpid()).arg(QDateTime::currentMSecsSinceEpoch() * 1000).toUtf8())
    {}
    ~SpoolWriter() { stop(); }

    void start()
    {
        m_thread = std::thread([this] { run(); });
    }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    int commands() const { return m_commands; }
    bool failed() const { return m_failed; }

private:
    void run()
    {
        int fd = -1;
        int generation = 0;
        int inGeneration = kRecordsPerGeneration;
        while (!m_stop) {
            if (inGeneration >= kRecordsPerGeneration) {
                if (fd >= 0)
                    ::close(fd);
                ++generation;
                const QByteArray path =
                    QFile::encodeName(m_directory) + '/' + m_session + '.' + QByteArray::number(generation) + ".spool";
                fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (fd < 0) {
                    m_failed = true;
                    return;
                }
                inGeneration = 0;
            }
            const int n = m_commands + 1;
            const QByteArray id = m_session + '-' + QByteArray::number(n);
            const QByteArray time = QByteArray::number(QDateTime::currentMSecsSinceEpoch() / 1000.0, 'f', 3);
            const QByteArray start = "S\t" + id + "\t" + time + "\t/tmp\tcrash-command-" + QByteArray::number(n) + "\n";
            const QByteArray end = "E\t" + id + "\t" + time + "\t" + QByteArray::number(n % 3) + "\t\t1000\n";
            if (::write(fd, start.constData(), start.size()) != start.size() ||
                ::write(fd, end.constData(), end.size()) != end.size()) {
                m_failed = true;
                return;
            }
            inGeneration += 2;
            m_commands = n;
            std::this_thread::sleep_for(std::chrono::milliseconds(4));
        }
        if (fd >= 0)
            ::close(fd);
    }

    QString m_directory;
    QByteArray m_session;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_failed{false};
    std::atomic<int> m_commands{0};
};

// What the file holds, as another process reading it sees it.
struct Contents
{
    QHash<QString, int> started;  // command text -> how often stored
    QHash<QString, int> finished; // command id -> how often stored
    QSet<QString> eventIds;       // every stored event, window switches included
    QHash<QString, v1::Session::State> sessions;
    QString error;
};

} // namespace

class TestCrashSafety final : public QObject
{
    Q_OBJECT

private:
    TempDatabase m_database;
    QString m_spool;
    std::unique_ptr<X11TestClient> m_x;
    QList<xcb_window_t> m_windows;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_spool);
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_database.directory() + QStringLiteral("/config"));
        env.insert(QStringLiteral("XDG_STATE_HOME"), m_database.directory() + QStringLiteral("/state"));
        return env;
    }

    int run(const QStringList& arguments, QString* output)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(TRAILMARK_BINARY),
                      QStringList{QStringLiteral("--db"), m_database.path()} + arguments);
        if (!process.waitForFinished(30000))
            return -1;
        *output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    Contents contents() const
    {
        Contents result;
        if (!QFile::exists(m_database.path()))
            return result; // killed before it created the file
        auto store = store::Store::open(m_database.path(), store::Store::Access::ReadOnly, &result.error);
        // Killed after SQLite created the file but before the first migration committed:
        // schema version 0 means nothing was ever committed, so nothing can be lost.
        if (!store && result.error.contains(QLatin1String("has schema version 0 "))) {
            result.error.clear();
            return result;
        }
        if (!store)
            return result;
        const auto summaries = store->sessionSummaries(&result.error);
        if (!summaries)
            return result;
        for (const store::SessionSummary& summary : *summaries) {
            const QString id = QString::fromStdString(summary.session.id());
            result.sessions.insert(id, summary.session.state());
            const bool ok = store->readEvents(
                id, 0, -1,
                [&](const store::StoredEvent& stored) {
                    result.eventIds.insert(QString::fromStdString(stored.event.id()));
                    if (stored.event.has_command_started())
                        ++result.started[QString::fromStdString(stored.event.command_started().command())];
                    else if (stored.event.has_command_finished())
                        ++result.finished[QString::fromStdString(stored.event.command_finished().command_id())];
                    return true;
                },
                &result.error);
            if (!ok)
                return result;
        }
        return result;
    }

    // What `earlier` holds that `later` lost.
    static QStringList missing(const Contents& earlier, const Contents& later)
    {
        QStringList lost;
        for (const QString& id : earlier.eventIds)
            if (!later.eventIds.contains(id))
                lost.append(QStringLiteral("event ") + id);
        for (auto it = earlier.started.cbegin(); it != earlier.started.cend(); ++it)
            if (!later.started.contains(it.key()))
                lost.append(it.key());
        for (auto it = earlier.finished.cbegin(); it != earlier.finished.cend(); ++it)
            if (!later.finished.contains(it.key()))
                lost.append(QStringLiteral("end of ") + it.key());
        return lost;
    }

    static QStringList duplicates(const Contents& contents)
    {
        QStringList twice;
        for (auto it = contents.started.cbegin(); it != contents.started.cend(); ++it)
            if (it.value() != 1)
                twice.append(it.key());
        for (auto it = contents.finished.cbegin(); it != contents.finished.cend(); ++it)
            if (it.value() != 1)
                twice.append(it.key());
        return twice;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_spool = m_database.directory() + QStringLiteral("/spool");
        QVERIFY(QDir().mkpath(m_spool));
        QVERIFY(QFile::setPermissions(m_spool, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        if (qEnvironmentVariableIsEmpty("DISPLAY"))
            return; // shell records only
        m_x = std::make_unique<X11TestClient>();
        QVERIFY(m_x->isConnected());
        for (const char* name : {"crash-first", "crash-second"}) {
            X11TestClient::WindowSpec spec;
            spec.instance = QString::fromLatin1(name);
            spec.appClass = QStringLiteral("CrashTest");
            spec.netWmName = spec.instance;
            m_windows.append(m_x->createWindow(spec));
        }
    }

    void cleanupTestCase()
    {
        for (const xcb_window_t id : std::as_const(m_windows))
            m_x->destroyWindow(id);
    }

    void killedAtRandomLosesNothing()
    {
        QElapsedTimer timer;
        timer.start();
        SpoolWriter writer(m_spool);
        writer.start();
        QRandomGenerator random(QRandomGenerator::global()->generate());
        QSet<QString> killedSessions;
        int switches = 0;
        Contents before;
        int kills = 0;
        for (; kills < kKills; ++kills) {
            QProcess recorder;
            recorder.setProcessEnvironment(environment());
            recorder.start(QStringLiteral(TRAILMARK_BINARY),
                           {QStringLiteral("--db"), m_database.path(), QStringLiteral("record"),
                            QStringLiteral("--task"), QStringLiteral("crash %1").arg(kills),
                            QStringLiteral("--no-screenshots")});
            QVERIFY(recorder.waitForStarted());
            // Some kills land while it starts (opening, migrating, closing the last
            // session), most while it ingests and commits.
            const int delayMs = kills % 4 == 0 ? random.bounded(0, 60) : random.bounded(100, 700);
            // Window switches meanwhile, when there is a display (under dev.sh test).
            QElapsedTimer waited;
            waited.start();
            while (waited.elapsed() < delayMs) {
                if (m_x && m_windows.size() == 2)
                    X11TestClient::activate(m_windows.at(++switches % 2));
                QTest::qWait(std::min<qint64>(50, std::max<qint64>(1, delayMs - waited.elapsed())));
            }
            QVERIFY2(recorder.state() == QProcess::Running, recorder.readAllStandardError().constData());
            // Everything committed up to this instant must outlive the kill.
            const Contents justBefore = contents();
            QVERIFY2(justBefore.error.isEmpty(), qPrintable(justBefore.error));
            ::kill(static_cast<pid_t>(recorder.processId()), SIGKILL);
            QVERIFY(recorder.waitForFinished(10000));
            QCOMPARE(recorder.exitStatus(), QProcess::CrashExit);
            const QString id = QString::fromUtf8(recorder.readAllStandardOutput()).trimmed();
            if (!id.isEmpty())
                killedSessions.insert(id);

            QString output;
            QVERIFY2(run({QStringLiteral("verify")}, &output) == 0,
                     qPrintable(QStringLiteral("after kill %1: %2").arg(kills + 1).arg(output)));
            const Contents after = contents();
            QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
            QStringList lost = missing(before, justBefore) + missing(justBefore, after);
            QVERIFY2(lost.isEmpty(),
                     qPrintable(QStringLiteral("kill %1 lost: %2").arg(kills + 1).arg(lost.join(u' '))));
            const QStringList twice = duplicates(after);
            QVERIFY2(twice.isEmpty(), qPrintable(twice.join(u' ')));
            before = after;
        }
        writer.stop();
        QVERIFY(!writer.failed());

        // A clean run: it closes the killed sessions and ingests the rest of the spool.
        QProcess last;
        last.setProcessEnvironment(environment());
        last.start(QStringLiteral(TRAILMARK_BINARY),
                   {QStringLiteral("--db"), m_database.path(), QStringLiteral("record"), QStringLiteral("--task"),
                    QStringLiteral("after the kills"), QStringLiteral("--no-screenshots")});
        QVERIFY(last.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(last.canReadLine() || last.state() != QProcess::Running, 10000);
        const QString lastId = QString::fromUtf8(last.readLine()).trimmed();
        QVERIFY(!lastId.isEmpty());
        const QString expectedLast = QStringLiteral("crash-command-%1").arg(writer.commands());
        QTRY_VERIFY_WITH_TIMEOUT(contents().started.contains(expectedLast), 15000);
        ::kill(static_cast<pid_t>(last.processId()), SIGINT);
        QVERIFY(last.waitForFinished(10000));
        QCOMPARE(last.exitCode(), 0);
        QString output;
        QVERIFY2(run({QStringLiteral("verify")}, &output) == 0, qPrintable(output));

        const Contents final = contents();
        int lost = 0;
        for (int n = 1; n <= writer.commands(); ++n) {
            if (!final.started.contains(QStringLiteral("crash-command-%1").arg(n)))
                ++lost;
        }
        const QStringList twice = duplicates(final);
        QCOMPARE(final.started.size(), writer.commands());
        QCOMPARE(final.finished.size(), writer.commands());
        // Every session but the last was open when its recorder was killed.
        int interrupted = 0;
        for (auto it = final.sessions.cbegin(); it != final.sessions.cend(); ++it) {
            if (it.key() == lastId)
                continue;
            QVERIFY2(it.value() == v1::Session::STATE_INTERRUPTED, qPrintable(it.key()));
            ++interrupted;
        }
        for (const QString& id : std::as_const(killedSessions))
            QVERIFY2(final.sessions.contains(id), qPrintable(id));
        QCOMPARE(final.sessions.value(lastId), v1::Session::STATE_FINISHED);
        // Every spool generation that is complete was deleted; only the newest is left
        // (its shell, this test, is alive).
        QVERIFY(QDir(m_spool).entryList({QStringLiteral("*.spool")}, QDir::Files).size() <= 1);
        qInfo("crash safety: %d SIGKILLs survived, %d commands (%d records) written, %d window switches, %lld events "
              "stored, events lost: %d, duplicates: %lld, %d killed sessions marked interrupted, %lld ms",
              kills, writer.commands(), 2 * writer.commands(), switches, static_cast<long long>(final.eventIds.size()),
              lost, static_cast<long long>(twice.size()), interrupted, static_cast<long long>(timer.elapsed()));
        QCOMPARE(lost, 0);
        QVERIFY(twice.isEmpty());
        QVERIFY(kills >= 20);
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "TestCrashSafety.moc"
