// `trailmark record` with a real bash, git and vim: what an expert's fix looks like in
// the stored session and its chains, end to end.
#include "ShellHarness.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/families/EventFamily.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace trailmark;
using namespace trailmark::test;

namespace {

bool runIn(const QString& directory, const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.start(program, arguments);
    return process.waitForFinished(30'000) && process.exitCode() == 0;
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestRecordEdits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixInVimIsTheRecoverysFix();
    void firstCommandInAnUnwatchedTreeKeepsItsEdit();
};

void TestRecordEdits::fixInVimIsTheRecoverysFix()
{
    ShellHarness harness(QStringLiteral("bash"));
    QVERIFY(harness.start());
    // A repository with a bug: check() returns 1. (The fix changes the file's size:
    // Python trusts its bytecode cache when size and mtime second agree.)
    const QString repo = harness.directory() + QStringLiteral("/stock");
    writeFile(repo + QStringLiteral("/src/stock_io.py"), "def check():\n    return 1  # broken\n");
    writeFile(repo + QStringLiteral("/notes.txt"), "todo: fix check\n");
    writeFile(repo + QStringLiteral("/.gitignore"), "build/\n");
    QVERIFY(runIn(repo, QStringLiteral("git"), {QStringLiteral("init"), QStringLiteral("-q")}));
    QVERIFY(runIn(repo, QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")}));
    QVERIFY(runIn(repo, QStringLiteral("git"),
                  {QStringLiteral("-c"), QStringLiteral("user.name=Ada"), QStringLiteral("-c"),
                   QStringLiteral("user.email=ada@example.org"), QStringLiteral("commit"), QStringLiteral("-qm"),
                   QStringLiteral("start")}));

    QProcess recorder;
    recorder.setProcessEnvironment(harness.environment());
    recorder.start(QStringLiteral(TRAILMARK_BINARY),
                   {QStringLiteral("--db"), harness.databasePath(), QStringLiteral("record"), QStringLiteral("--task"),
                    QStringLiteral("make check pass"), QStringLiteral("--no-screenshots")});
    QVERIFY(recorder.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.canReadLine() || recorder.state() != QProcess::Running, 20000);
    QCOMPARE(recorder.state(), QProcess::Running);
    const auto storedCommands = [&harness] {
        return commandsOf(harness.storedEvents()).size();
    };
    // Python writes its bytecode cache next to the module: not an edit, never recorded.
    const QByteArray check = "python3 -c 'import sys; sys.path.insert(0, \"src\"); import stock_io; "
                             "sys.exit(stock_io.check())'";
    QVERIFY(harness.pty().run("cd " + QFile::encodeName(repo)));
    QVERIFY(harness.pty().run(check));
    // The recorder watches the work tree once it has seen a command there.
    QTRY_COMPARE_WITH_TIMEOUT(storedCommands(), qsizetype(2), 20000);
    QTest::qWait(300);
    QVERIFY(harness.pty().run("vim -es -c '%s/return 1  # broken/return 0/' -c wq src/stock_io.py"));
    QTRY_COMPARE_WITH_TIMEOUT(storedCommands(), qsizetype(3), 20000);
    QVERIFY(harness.pty().run(check));
    QVERIFY(harness.pty().run("sed -i 's/todo: fix check/done: check fixed/' notes.txt"));
    // A build into the ignored directory: no edit for it.
    QVERIFY(harness.pty().run("mkdir -p build && for i in 1 2 3; do echo $i > build/out$i.o; done"));
    QTRY_COMPARE_WITH_TIMEOUT(storedCommands(), qsizetype(6), 20000);
    QTest::qWait(1500); // the last command's writes are stored shortly after it ends
    ::kill(static_cast<pid_t>(recorder.processId()), SIGINT);
    QVERIFY(recorder.waitForFinished(20000));
    QCOMPARE(recorder.exitCode(), 0);

    QString error;
    auto store = store::Store::open(harness.databasePath(), store::Store::Access::ReadOnly, &error);
    QVERIFY2(store, qPrintable(error));
    const auto sessions = store->sessionSummaries(&error);
    QVERIFY2(sessions && sessions->size() == 1, qPrintable(error));
    const QString sessionId = QString::fromStdString(sessions->first().session.id());
    const auto trajectory = chains::TrajectoryBuilder::load(*store, sessionId, {}, {}, &error);
    QVERIFY2(trajectory, qPrintable(error));
    QStringList steps;
    for (const chains::Step& step : trajectory->steps)
        steps.append(step.toolText() + QLatin1Char(' ') + step.actionText().left(30));
    // For a failure: every stored event as the live feed shows it.
    for (const v1::Event& event : harness.storedEvents()) {
        if (const chains::EventFamily* family = chains::families::ofBody(event.body_case()))
            steps.append(
                QStringLiteral("[%1] %2 (%3 at %4)")
                    .arg(event.seq())
                    .arg(family->describeEvent(event),
                         QString::fromStdString(event.has_file_edit()         ? event.file_edit().command_id()
                                                : event.has_command_started() ? event.command_started().command_id()
                                                                              : event.command_finished().command_id()))
                    .arg(event.time_ns() % 100'000'000'000));
    }
    const QString all = steps.join(QStringLiteral(" | "));
    qInfo("%s", qPrintable(steps.join(QLatin1Char('\n'))));
    // cd, the failing check, vim, its save, the passing check, sed (with its effect), the build.
    QCOMPARE(trajectory->steps.size(), size_t(7));
    QVERIFY2(trajectory->steps[3].tool() == "edit", qPrintable(all));
    QCOMPARE(trajectory->steps[3].actionText(), QStringLiteral("edit src/stock_io.py"));
    QVERIFY(
        trajectory->steps[3].observationText().contains(QStringLiteral("-    return 1  # broken\n+    return 0\n")));
    QCOMPARE(chains::toString(trajectory->steps[1].outcome), QStringLiteral("error"));
    QCOMPARE(trajectory->steps[4].recovers, 1);
    QCOMPARE(trajectory->steps[4].fixSteps, std::vector<int>{3});
    const chains::Step& sed = trajectory->steps[5];
    QVERIFY2(sed.effectsFamily, qPrintable(all));
    QCOMPARE(sed.effectsFamily->effectLines(sed), QStringList{QStringLiteral("changed 1 file(s): notes.txt (+1 −1)")});
    QVERIFY2(!trajectory->steps[6].effectsFamily, "the ignored build/ was recorded");
    QVERIFY2(!trajectory->steps[1].effectsFamily, "__pycache__ was recorded");
}

void TestRecordEdits::firstCommandInAnUnwatchedTreeKeepsItsEdit()
{
    // Issue 26, part 4: `cd repo && sed -i` as the first command there. The repository
    // lies deeper than the watch of the shell's cwd reaches, so nothing watched it when
    // sed wrote.
    ShellHarness harness(QStringLiteral("bash"));
    QVERIFY(harness.start());
    const QString repo = harness.directory() + QStringLiteral("/work/clients/acme/2026/q1/stock");
    writeFile(repo + QStringLiteral("/notes.txt"), "todo: fix check\n");
    QVERIFY(runIn(repo, QStringLiteral("git"), {QStringLiteral("init"), QStringLiteral("-q")}));
    QVERIFY(runIn(repo, QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")}));
    QVERIFY(runIn(repo, QStringLiteral("git"),
                  {QStringLiteral("-c"), QStringLiteral("user.name=Ada"), QStringLiteral("-c"),
                   QStringLiteral("user.email=ada@example.org"), QStringLiteral("commit"), QStringLiteral("-qm"),
                   QStringLiteral("start")}));

    QProcess recorder;
    recorder.setProcessEnvironment(harness.environment());
    recorder.start(QStringLiteral(TRAILMARK_BINARY),
                   {QStringLiteral("--db"), harness.databasePath(), QStringLiteral("record"), QStringLiteral("--task"),
                    QStringLiteral("note the fix"), QStringLiteral("--no-screenshots")});
    QVERIFY(recorder.waitForStarted());
    QTRY_VERIFY_WITH_TIMEOUT(recorder.canReadLine() || recorder.state() != QProcess::Running, 20000);
    QCOMPARE(recorder.state(), QProcess::Running);
    QVERIFY(harness.pty().run("cd clients/acme/2026/q1/stock && sed -i 's/todo: fix check/done: check fixed/' "
                              "notes.txt"));
    QVERIFY(harness.pty().run("git status --short"));
    QTRY_COMPARE_WITH_TIMEOUT(commandsOf(harness.storedEvents()).size(), qsizetype(2), 20000);
    QTest::qWait(1500); // the last command's writes are stored shortly after it ends
    ::kill(static_cast<pid_t>(recorder.processId()), SIGINT);
    QVERIFY(recorder.waitForFinished(20000));
    QCOMPARE(recorder.exitCode(), 0);

    QString error;
    auto store = store::Store::open(harness.databasePath(), store::Store::Access::ReadOnly, &error);
    QVERIFY2(store, qPrintable(error));
    const auto sessions = store->sessionSummaries(&error);
    QVERIFY2(sessions && sessions->size() == 1, qPrintable(error));
    const auto trajectory =
        chains::TrajectoryBuilder::load(*store, QString::fromStdString(sessions->first().session.id()), {}, {}, &error);
    QVERIFY2(trajectory, qPrintable(error));
    QCOMPARE(trajectory->steps.size(), size_t(2));
    const chains::Step& sed = trajectory->steps[0];
    QVERIFY2(sed.effectsFamily, "the first command's edit was lost");
    QCOMPARE(sed.effectsFamily->effectLines(sed), QStringList{QStringLiteral("changed 1 file(s): notes.txt (+1 −1)")});
    QVERIFY(!trajectory->steps[1].effectsFamily);
}

QTEST_GUILESS_MAIN(TestRecordEdits)
#include "TestRecordEdits.moc"
