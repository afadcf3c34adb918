#include "TestSupport.h"
#include "capture/SessionSink.h"
#include "capture/shell/ShellSpoolSource.h"
#include "capture/shell/SpoolIngester.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <pwd.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace trailmark;
using namespace trailmark::test;

namespace {

// A pid that cannot exist (above Linux's pid_max): the shell that wrote the file is gone.
constexpr qint64 kGonePid = 99999999;
// Exit code of the child that "crashes" instead of committing.
constexpr int kCrashedInCommit = 42;

QString spoolName(qint64 pid, int generation = 1)
{
    return QStringLiteral("bash-%1-1764335400000000.%2.spool").arg(pid).arg(generation);
}

bool writeSpool(const QString& path, const QByteArray& content, QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile file(path);
    if (!file.open(mode))
        return false;
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    return file.write(content) == content.size();
}

} // namespace

class TestSpoolIngester final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void keepsLinesAroundAMalformedOne();
    void shellsOwnExitIsNoCommand_data();
    void shellsOwnExitIsNoCommand();
    void readsBothVersionsInOneFile();
    void waitsForAPartialLastLine();
    void reportsTruncatedLineOfEndedShell();
    void skipsA100MiBLineInBoundedMemory();
    void refusesUnsafeFiles();
    void refusesAnotherUsersFile();
    void exactlyOnceAcrossACrash();
    void liveSourceFollowsTheSpool();

private:
    // Ingests the spool directory into m_session.
    capture::SpoolIngester::Result ingest(bool* ok = nullptr);
    QList<v1::Event> events();

    std::unique_ptr<TempDatabase> m_database;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<store::EventWriter> m_writer;
    std::unique_ptr<capture::SessionSink> m_sink;
    QString m_session;
    QString m_spool;
};

void TestSpoolIngester::init()
{
    m_database = std::make_unique<TempDatabase>();
    m_store = m_database->open();
    QVERIFY(m_store);
    m_writer = std::make_unique<store::EventWriter>(*m_store);
    m_session = createSession(*m_store, QStringLiteral("spool test"));
    m_sink = std::make_unique<capture::SessionSink>(*m_store, *m_writer, m_session);
    m_spool = m_database->directory() + QStringLiteral("/spool");
    QVERIFY(QDir().mkpath(m_spool));
}

void TestSpoolIngester::cleanup()
{
    m_sink.reset();
    m_writer.reset();
    m_store.reset();
    m_database.reset();
}

capture::SpoolIngester::Result TestSpoolIngester::ingest(bool* ok)
{
    capture::SpoolIngester ingester(
        m_spool, [this](const capture::SpoolFileName&, QString*) -> capture::EventSink* { return m_sink.get(); },
        [this](QString* error) { return m_writer->flush(error); });
    capture::SpoolIngester::Result result;
    QString error;
    const bool done = ingester.ingestAll(&result, &error);
    if (!done)
        qWarning("ingest failed: %s", qPrintable(error));
    if (ok)
        *ok = done;
    return result;
}

QList<v1::Event> TestSpoolIngester::events()
{
    QList<v1::Event> list;
    QString error;
    m_writer->flush(&error);
    m_store->readEvents(
        m_session, 0, -1,
        [&](const store::StoredEvent& stored) {
            list.append(stored.event);
            return true;
        },
        &error);
    return list;
}

void TestSpoolIngester::keepsLinesAroundAMalformedOne()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(kGonePid);
    QVERIFY(writeSpool(path, "S\tc-1\t10.5\t/home\tmake\n"
                             "S\tc-2\tnot-a-time\t/home\tbroken\n"
                             "E\tc-1\t11\t2\t2\t500000\n"
                             "N\t12\tbuild fails\\n on arm\n"));
    bool ok = false;
    const capture::SpoolIngester::Result result = ingest(&ok);
    QVERIFY(ok);
    QCOMPARE(result.events, 3);
    QCOMPARE(result.malformedLines, 1);
    QCOMPARE(result.warnings.size(), 1);
    QVERIFY2(result.warnings.first().startsWith(path + QStringLiteral(":2: malformed spool line skipped: bad time")),
             qPrintable(result.warnings.first()));
    const QList<v1::Event> stored = events();
    QCOMPARE(stored.size(), 3);
    QCOMPARE(stored.at(0).command_started().command(), "make");
    QCOMPARE(stored.at(0).command_started().shell(), "bash");
    QCOMPARE(stored.at(0).command_started().shell_pid(), kGonePid);
    QCOMPARE(stored.at(0).time_ns(), 10'500'000'000);
    QCOMPARE(stored.at(1).command_finished().command_id(), "c-1");
    QCOMPARE(stored.at(1).command_finished().exit_code(), 2);
    QCOMPARE(stored.at(1).command_finished().duration_ns(), 500'000'000);
    QCOMPARE(stored.at(2).note().text(), "build fails\n on arm");
    QCOMPARE(result.filesRemoved, 1); // ended shell, fully ingested
    QVERIFY(!QFile::exists(path));
}

// Lines an older hook wrote (version 1, escaped) before the new one took over (version 2,
// raw bytes ended by NUL): both are read, in order; a broken version 2 record is reported
// with the line it starts on and the records after it are kept.
void TestSpoolIngester::shellsOwnExitIsNoCommand_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<bool>("ended"); // an end record follows (the shell did not exit: stopped jobs)
    QTest::addColumn<bool>("stored");
    QTest::newRow("exit") << QByteArray("exit") << false << false;
    QTest::newRow("exit with a status") << QByteArray("exit 3") << false << false;
    QTest::newRow("exit $?") << QByteArray("exit $?") << false << false;
    QTest::newRow("logout") << QByteArray("  logout ") << false << false;
    QTest::newRow("exit refused (stopped jobs)") << QByteArray("exit") << true << false;
    QTest::newRow("echo exit") << QByteArray("echo exit") << true << true;
    QTest::newRow("exit then more") << QByteArray("exit; echo never") << false << true;
    QTest::newRow("exit of a subshell") << QByteArray("(exit 2)") << true << true;
    QTest::newRow("a program named exit-codes") << QByteArray("exit-codes --list") << true << true;
    QTest::newRow("too many arguments") << QByteArray("exit 1 2") << true << true;
}

void TestSpoolIngester::shellsOwnExitIsNoCommand()
{
    QFETCH(QByteArray, command);
    QFETCH(bool, ended);
    QFETCH(bool, stored);
    QByteArray spool = "S\tc-1\t10\t/home\t" + command + "\n";
    if (ended)
        spool += "E\tc-1\t10.5\t1\t1\t500000\n";
    spool += "S\tc-2\t11\t/home\tls\nE\tc-2\t12\t0\t0\t1000000\n";
    QVERIFY(writeSpool(m_spool + QLatin1Char('/') + spoolName(kGonePid), spool));
    bool ok = false;
    const capture::SpoolIngester::Result result = ingest(&ok);
    QVERIFY(ok);
    QStringList ids;
    QByteArrayList texts;
    for (const v1::Event& event : events()) {
        if (event.has_command_started())
            texts.append(QByteArray::fromStdString(event.command_started().command()));
        ids.append(QString::fromStdString(event.has_command_started() ? event.command_started().command_id()
                                                                      : event.command_finished().command_id()));
    }
    QCOMPARE(texts, stored ? (QByteArrayList{command, "ls"}) : (QByteArrayList{"ls"}));
    // No end without its start either: the refused exit leaves nothing behind.
    QCOMPARE(ids.count(QStringLiteral("c-1")), stored ? (ended ? 2 : 1) : 0);
    QCOMPARE(result.events, ids.size());
}

void TestSpoolIngester::readsBothVersionsInOneFile()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(kGonePid);
    const QByteArray session = QFileInfo(path).fileName().section(QLatin1Char('.'), 0, 0).toUtf8();
    const char v2[] = "S0\t7\t20\t/a\tb\0printf 'x\n\\t\xff'\0\n"
                      "Sf\t8\t21\t/\0"
                      "12\t echo 'two\nlines'\n\0\n"
                      "N0\t22\tbroken\0tail\n"
                      "E0\t7\t23.5\t1\t1\t20\n"
                      "N0\t24\tnote \\n %41\0\n";
    QVERIFY(writeSpool(path, "S\tc-1\t10\t/old\tmake\\tall\n"
                             "E\tc-1\t11\t0\t0\t1000000\n" +
                                 QByteArray(v2, sizeof v2 - 1)));
    bool ok = false;
    const capture::SpoolIngester::Result result = ingest(&ok);
    QVERIFY(ok);
    QCOMPARE(result.malformedLines, 1);
    QVERIFY2(result.warnings.value(0).startsWith(path + QStringLiteral(":8: malformed spool line skipped")),
             qPrintable(result.warnings.value(0)));
    const QList<v1::Event> stored = events();
    QCOMPARE(stored.size(), 6);
    QCOMPARE(stored.at(0).command_started().command(), "make\tall");
    QCOMPARE(stored.at(0).command_started().command_id(), "c-1");
    QCOMPARE(stored.at(1).command_finished().duration_ns(), 1'000'000'000);
    QCOMPARE(stored.at(2).command_started().command(), "printf 'x\n\\t\xff'");
    QCOMPARE(stored.at(2).command_started().cwd(), "/a\tb");
    QCOMPARE(stored.at(2).command_started().command_id(), QByteArray(session + "-7").toStdString());
    QCOMPARE(stored.at(3).command_started().command(), "echo 'two\nlines'");
    QCOMPARE(stored.at(4).command_finished().command_id(), QByteArray(session + "-7").toStdString());
    QCOMPARE(stored.at(4).command_finished().exit_code(), 1);
    QCOMPARE(stored.at(4).command_finished().duration_ns(), 3'500'000'000);
    QCOMPARE(stored.at(5).note().text(), "note \\n %41");
}

void TestSpoolIngester::waitsForAPartialLastLine()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(QCoreApplication::applicationPid());
    QVERIFY(writeSpool(path, "S\tc-1\t1\t/\tfirst\nS\tc-2\t2\t/\tsec"));
    capture::SpoolIngester::Result result = ingest();
    QCOMPARE(result.events, 1);
    QCOMPARE(result.malformedLines, 0);
    QCOMPARE(result.filesRemoved, 0);
    QVERIFY(writeSpool(path, "ond\\tpart\n", QIODevice::Append));
    result = ingest();
    QCOMPARE(result.events, 1);
    QCOMPARE(result.malformedLines, 0);
    QCOMPARE(ingest().events, 0);
    const QList<v1::Event> stored = events();
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored.at(1).command_started().command(), "second\tpart");
    QCOMPARE(*m_store->ingestPosition(
                 capture::SpoolIngester::positionKey(spoolName(QCoreApplication::applicationPid())), nullptr),
             QFileInfo(path).size());
    // A newer generation makes this file final: it is removed once fully read.
    QVERIFY(writeSpool(m_spool + QLatin1Char('/') + spoolName(QCoreApplication::applicationPid(), 2), "N\t3\tx\n"));
    result = ingest();
    QCOMPARE(result.events, 1);
    QCOMPARE(result.filesRemoved, 1);
    QVERIFY(!QFile::exists(path));
}

void TestSpoolIngester::reportsTruncatedLineOfEndedShell()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(kGonePid);
    QVERIFY(writeSpool(path, "S\tc-1\t1\t/\tok\nE\tc-1\t2\t0\t0\t1\nS\tc-2\t3\t/\tcut off"));
    const capture::SpoolIngester::Result result = ingest();
    QCOMPARE(result.events, 2);
    QCOMPARE(result.malformedLines, 1);
    QVERIFY2(result.warnings.value(0).startsWith(path + QStringLiteral(":3: last line is truncated")),
             qPrintable(result.warnings.value(0)));
    QCOMPARE(result.filesRemoved, 1);
}

// Peak resident memory of this process so far, in bytes.
static qint64 peakResidentBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

// A 100 MiB line of garbage and a 20 MiB note full of line breaks: each is reported with
// its file and line and skipped, the records around them are stored, and the ingester
// never holds either (the file is written in pieces, so this process never has it whole).
void TestSpoolIngester::skipsA100MiBLineInBoundedMemory()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(kGonePid);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    constexpr qint64 kMiB = 1 << 20;
    const QByteArray garbage(kMiB, 'g');
    QByteArray noteLines(kMiB, 'n');
    for (qsizetype i = 0; i < noteLines.size(); i += 1024)
        noteLines[i] = '\n';
    file.write("S\tc-1\t1\t/\tbefore\n");
    for (int i = 0; i < 100; ++i)
        file.write(garbage);
    file.write("\nN0\t2\t");
    for (int i = 0; i < 20; ++i)
        file.write(noteLines);
    file.write(QByteArray("\0\n", 2));
    file.write("E\tc-1\t3\t0\t\t1\nnot a record\n");
    file.close();
    const qint64 noteLineBreaks = 20 * (kMiB / 1024);

    const qint64 peakBefore = peakResidentBytes();
    const capture::SpoolIngester::Result result = ingest();
    const qint64 growth = peakResidentBytes() - peakBefore;

    QCOMPARE(result.events, 2);
    QCOMPARE(result.malformedLines, 3);
    QCOMPARE(result.warnings.size(), 3);
    QVERIFY2(result.warnings[0].startsWith(
                 path + QStringLiteral(":2: spool record of %1 bytes is longer than the limit").arg(100 * kMiB + 1)),
             qPrintable(result.warnings[0]));
    QVERIFY2(result.warnings[1].startsWith(path + QStringLiteral(":3: spool record of")),
             qPrintable(result.warnings[1]));
    QVERIFY2(result.warnings[2].startsWith(path + QStringLiteral(":%1: malformed spool line").arg(5 + noteLineBreaks)),
             qPrintable(result.warnings[2]));
    const QList<v1::Event> stored = events();
    QCOMPARE(stored.size(), 2);
    QCOMPARE(stored[0].command_started().command(), "before");
    QCOMPARE(stored[1].command_finished().command_id(), "c-1");
    // The default limit (16 MiB) plus a chunk, not the 100 MiB line. Not under
    // AddressSanitizer: it keeps freed blocks in quarantine, so every reallocation of a
    // growing buffer stays resident.
#if !defined(__SANITIZE_ADDRESS__)
    QVERIFY2(growth < 40 * kMiB, qPrintable(QStringLiteral("peak memory grew by %1 MiB").arg(growth / kMiB)));
#else
    Q_UNUSED(growth);
#endif
    QCOMPARE(result.filesRemoved, 1);
}

void TestSpoolIngester::refusesUnsafeFiles()
{
    const QString real = m_database->directory() + QStringLiteral("/elsewhere.spool");
    QVERIFY(writeSpool(real, "N\t1\tplanted\n"));
    const QString link = m_spool + QLatin1Char('/') + spoolName(kGonePid, 1);
    QVERIFY(QFile::link(real, link));
    const QString writable = m_spool + QLatin1Char('/') + spoolName(kGonePid, 2);
    QVERIFY(writeSpool(writable, "N\t1\tplanted\n"));
    QVERIFY(::chmod(QFile::encodeName(writable).constData(), 0620) == 0);
    const capture::SpoolIngester::Result result = ingest();
    QCOMPARE(result.events, 0);
    QCOMPARE(result.filesRemoved, 0);
    QCOMPARE(result.warnings.size(), 2);
    QVERIFY2(result.warnings.at(0) == link + QStringLiteral(": is a symbolic link, skipped"),
             qPrintable(result.warnings.at(0)));
    QVERIFY2(result.warnings.at(1) ==
                 writable + QStringLiteral(": is writable by group or others (mode 0620), skipped"),
             qPrintable(result.warnings.at(1)));
    QVERIFY(QFile::exists(writable));
    QVERIFY(events().isEmpty());
}

// Another user could plant commands in our sessions: their file is refused and kept.
void TestSpoolIngester::refusesAnotherUsersFile()
{
    if (::geteuid() != 0)
        QSKIP("needs root to give a file to another user");
    const passwd* nobody = ::getpwnam("nobody");
    QVERIFY(nobody);
    const QString path = m_spool + QLatin1Char('/') + spoolName(kGonePid);
    QVERIFY(writeSpool(path, "N\t1\tplanted\n"));
    QVERIFY(::chown(QFile::encodeName(path).constData(), nobody->pw_uid, nobody->pw_gid) == 0);
    const capture::SpoolIngester::Result result = ingest();
    QCOMPARE(result.events, 0);
    QCOMPARE(result.warnings.size(), 1);
    QVERIFY2(result.warnings.at(0) ==
                 path + QStringLiteral(": is owned by uid %1, not by you, skipped").arg(nobody->pw_uid),
             qPrintable(result.warnings.at(0)));
    QVERIFY(QFile::exists(path));
    QVERIFY(events().isEmpty());
}

// A child process ingests and dies before its batch commits; the next ingest stores
// every record exactly once, and a third stores nothing.
void TestSpoolIngester::exactlyOnceAcrossACrash()
{
    QByteArray content;
    for (int i = 0; i < 50; ++i)
        content += "S\tc-" + QByteArray::number(i) + "\t" + QByteArray::number(i + 1) + "\t/\tcmd " +
                   QByteArray::number(i) + "\n";
    const QString path = m_spool + QLatin1Char('/') + spoolName(QCoreApplication::applicationPid());
    QVERIFY(writeSpool(path, content.left(content.size() / 2)));
    QString error;
    QVERIFY(m_writer->flush(&error));

    const pid_t child = ::fork();
    if (child == 0) {
        QString childError;
        auto store = store::Store::open(m_database->path(), store::Store::Access::ReadWrite, &childError);
        store::EventWriter writer(*store);
        writer.setMaxBatchAge(std::chrono::hours(1));
        capture::SessionSink sink(*store, writer, m_session);
        capture::SpoolIngester ingester(
            m_spool, [&sink](const capture::SpoolFileName&, QString*) -> capture::EventSink* { return &sink; },
            [](QString*) -> bool { ::_exit(kCrashedInCommit); });
        capture::SpoolIngester::Result result;
        ingester.ingestAll(&result, &childError);
        ::_exit(1); // not reached: the commit "crashes"
    }
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QVERIFY(WIFEXITED(status));
    QCOMPARE(WEXITSTATUS(status), kCrashedInCommit);
    QVERIFY(events().isEmpty());

    QCOMPARE(ingest().events, 25);
    QVERIFY(writeSpool(path, content.mid(content.size() / 2), QIODevice::Append));
    QCOMPARE(ingest().events, 25);
    QCOMPARE(ingest().events, 0);
    const QList<v1::Event> stored = events();
    QCOMPARE(stored.size(), 50);
    for (int i = 0; i < 50; ++i)
        QCOMPARE(QByteArray::fromStdString(stored.at(i).command_started().command()), "cmd " + QByteArray::number(i));
}

void TestSpoolIngester::liveSourceFollowsTheSpool()
{
    const QString path = m_spool + QLatin1Char('/') + spoolName(QCoreApplication::applicationPid());
    QVERIFY(writeSpool(path, "N\t1\twritten while stopped\n"));
    capture::ShellSpoolSource source(m_spool); // commits through the sink it is started with
    QVERIFY(source.supportHere().supported);
    QSignalSpy ingested(&source, &capture::ShellSpoolSource::ingested);
    QString error;
    QVERIFY2(source.start(*m_sink, &error), qPrintable(error));
    QCOMPARE(events().size(), 1);
    QVERIFY(writeSpool(path, "N\t2\tappended", QIODevice::Append));
    QVERIFY(writeSpool(path, " live\n", QIODevice::Append));
    QTRY_COMPARE(events().size(), 2);
    QCOMPARE(events().at(1).note().text(), "appended live");
    QVERIFY(
        writeSpool(m_spool + QLatin1Char('/') + spoolName(QCoreApplication::applicationPid(), 2), "N\t3\tnew file\n"));
    QTRY_COMPARE(events().size(), 3);
    QTRY_VERIFY(!QFile::exists(path)); // superseded and fully read
    source.stop();
    QVERIFY(ingested.size() >= 2);
}

QTEST_GUILESS_MAIN(TestSpoolIngester)
#include "TestSpoolIngester.moc"
