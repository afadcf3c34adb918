// `trailmark ingest` through the real binary on the spool of a real shell: a session
// exists only once it has events. A spool already stored by a recording, or holding
// nothing but bad lines, must not leave an empty session behind; new commands must
// still get their session.
#include "ShellHarness.h"
#include "store/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace trailmark;
using namespace trailmark::test;

namespace {

struct SessionCounts
{
    qint64 sessions = 0;
    qint64 empty = 0; // sessions with no event
    QStringList sources;
};

SessionCounts countSessions(const QString& database)
{
    SessionCounts counts;
    QString error;
    auto store = store::Store::open(database, store::Store::Access::ReadOnly, &error);
    if (!store)
        return counts;
    const auto summaries = store->sessionSummaries(&error);
    if (!summaries)
        return counts;
    for (const store::SessionSummary& summary : *summaries) {
        ++counts.sessions;
        counts.sources.append(QString::fromStdString(summary.session.source()));
        const auto events = store->eventCount(QString::fromStdString(summary.session.id()), &error);
        if (events && *events == 0)
            ++counts.empty;
    }
    return counts;
}

int storedCommands(ShellHarness& harness)
{
    return static_cast<int>(commandsOf(harness.storedEvents()).size());
}

} // namespace

class TestIngestSessions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noSessionForWhatARecordingStored();
    void noSessionForASpoolOfBadLines();
};

void TestIngestSessions::noSessionForWhatARecordingStored()
{
    ShellHarness harness(QStringLiteral("bash"));
    QVERIFY(harness.start());
    QProcess recorder;
    recorder.setProcessEnvironment(harness.environment());
    recorder.start(QStringLiteral(TRAILMARK_BINARY),
                   {QStringLiteral("--db"), harness.databasePath(), QStringLiteral("record"), QStringLiteral("--task"),
                    QStringLiteral("fix the build"), QStringLiteral("--no-screenshots")});
    QVERIFY(recorder.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.canReadLine() || recorder.state() != QProcess::Running, 20000);
    QCOMPARE(recorder.state(), QProcess::Running);
    QVERIFY(harness.pty().run("echo recorded"));
    QVERIFY(harness.pty().run("true"));
    // The recorder ingests the spool as it goes (the " true" of start() is not recorded).
    QTRY_COMPARE_WITH_TIMEOUT(storedCommands(harness), 2, 20000);
    ::kill(static_cast<pid_t>(recorder.processId()), SIGINT);
    QVERIFY(recorder.waitForFinished(20000));
    QCOMPARE(countSessions(harness.databasePath()).sessions, 1);

    // Everything in the spool is stored already: nothing new, and no session for it.
    QJsonObject result = harness.ingest();
    QVERIFY(!result.isEmpty());
    QCOMPARE(result.value(QStringLiteral("events")).toInt(), 0);
    QCOMPARE(result.value(QStringLiteral("created_sessions")).toArray().size(), 0);
    QCOMPARE(countSessions(harness.databasePath()).sessions, 1);

    // The other side: commands typed after the recording get one session, with them.
    QVERIFY(harness.pty().run("echo afterwards"));
    result = harness.ingest();
    QCOMPARE(result.value(QStringLiteral("events")).toInt(), 2); // its start and end
    QCOMPARE(result.value(QStringLiteral("created_sessions")).toArray().size(), 1);
    result = harness.ingest(); // and a run with nothing new adds nothing
    QCOMPARE(result.value(QStringLiteral("created_sessions")).toArray().size(), 0);
    QVERIFY(harness.exitShell());
    harness.ingest();
    const SessionCounts counts = countSessions(harness.databasePath());
    QCOMPARE(counts.sessions, 2);
    QCOMPARE(counts.empty, 0);
}

void TestIngestSessions::noSessionForASpoolOfBadLines()
{
    ShellHarness harness(QStringLiteral("bash"));
    QVERIFY(harness.start());
    QVERIFY(harness.exitShell());
    // A spool file of a shell that is gone (no pid is that high), holding only a line the ingester rejects.
    const QString path = harness.spoolDirectory() + QStringLiteral("/bash-4999999-1767261600000000.1.spool");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("this is not a spool record\n");
    file.close();
    QVERIFY(file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
    QString log;
    const QJsonObject result = harness.ingest(&log);
    QVERIFY2(!result.isEmpty(), qPrintable(log));
    QCOMPARE(result.value(QStringLiteral("malformed_lines")).toInt(), 1);
    // The harness's shell gets its session (its `exit` was recorded); the bad file none.
    const SessionCounts counts = countSessions(harness.databasePath());
    QCOMPARE(counts.empty, 0);
    QCOMPARE(counts.sessions, result.value(QStringLiteral("created_sessions")).toArray().size());
    QVERIFY(!counts.sources.contains(QStringLiteral("shell-spool:bash-4999999-1767261600000000")));
    QVERIFY(!QFile::exists(path)); // read to its end and final: removed
}

QTEST_GUILESS_MAIN(TestIngestSessions)
#include "TestIngestSessions.moc"
