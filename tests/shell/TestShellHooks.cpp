#include "ShellHarness.h"
#include "TestSupport.h"

#include <QDir>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace trailmark;
using namespace trailmark::test;

namespace {

// Bracketed paste: the shell's line editor inserts the text as is (tabs, newlines,
// any bytes) instead of acting on it, as when a user pastes.
QByteArray pasted(const QByteArray& text)
{
    return "\x1b[200~" + text + "\x1b[201~";
}

// The first record kind in the shell's spool file: bash's builtin writes "S0", its shell
// functions "Sf" (bash's `fc -l` line).
QByteArray firstRecordKind(const QString& spoolDirectory)
{
    const QDir directory(spoolDirectory);
    const QStringList files = directory.entryList({QStringLiteral("*.spool")}, QDir::Files, QDir::Name);
    if (files.isEmpty())
        return {};
    QFile file(directory.filePath(files.first()));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().left(2);
}

QList<int> pipeStatusOf(const v1::CommandFinished& finished)
{
    return QList<int>(finished.pipe_status().begin(), finished.pipe_status().end());
}

// The tests that set user options run `false | true`, a command exiting with `status`,
// and `tm note NOTE`, then exit: all of it must be stored, ends and note included, and
// `exit` itself is no command (it would stay without an end: "interrupted").
void verifyPipelineExitAndNote(ShellHarness& harness, const QByteArray& exiting, int status, const QString& note)
{
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<v1::Event> events = harness.storedEvents();
    const QList<StoredCommand> commands = commandsOf(events);
    QCOMPARE(commandTexts(commands), QList<QByteArray>({"false | true", exiting}));
    QVERIFY(commands.at(0).finished.has_value() && commands.at(1).finished.has_value());
    QCOMPARE(pipeStatusOf(*commands.at(0).finished), QList<int>({1, 0}));
    QCOMPARE(commands.at(1).finished->exit_code(), status);
    QCOMPARE(QString::fromStdString(events.last().note().text()), note);
}

} // namespace

// Real bash, zsh and fish, driven through a pty with `trailmark init` loaded, then
// `trailmark ingest` run as the user would.
class TestShellHooks final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsCommandsExitCodesAndNotes_data();
    void recordsCommandsExitCodesAndNotes();
    void byteExactCommands_data();
    void byteExactCommands();
    void loadsTheNativeHook_data();
    void loadsTheNativeHook();
    void bashHistoryControlAndUserHooks_data();
    void bashHistoryControlAndUserHooks();
    void bashUnderNounset_data();
    void bashUnderNounset();
    void zshUserOptionsAndHooks_data();
    void zshUserOptionsAndHooks();
    void killedShellLeavesTheStart_data();
    void killedShellLeavesTheStart();
    void fishHookEncodesAnyBytes();
    void megabyteCommand_data();
    void megabyteCommand();
};

void TestShellHooks::recordsCommandsExitCodesAndNotes_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << QStringLiteral("bash");
    QTest::newRow("bash-functions") << QStringLiteral("bash-functions");
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions");
    QTest::newRow("fish") << QStringLiteral("fish");
}

void TestShellHooks::recordsCommandsExitCodesAndNotes()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    PtyDriver& pty = harness.pty();
    const QString shellName = harness.shell();
    const bool fish = shellName == QLatin1String("fish");
    const QByteArray status = fish ? "$status" : "$?";
    const QByteArray pipe = shellName == QLatin1String("bash")  ? "${PIPESTATUS[*]}"
                            : shellName == QLatin1String("zsh") ? "${pipestatus[*]}"
                                                                : "$pipestatus";

    QList<QByteArray> typed;
    const auto type = [&](const QByteArray& command) {
        typed.append(command);
        return pty.run(command);
    };
    // Types `command` and then `check` right after it (no marker command between, which
    // would reset $?): the hooks ran in between and must not have changed what check sees.
    const auto typeAndCheck = [&](const QByteArray& command, const QByteArray& check) {
        typed.append(command);
        typed.append(check);
        pty.clearOutput();
        return pty.write(command + "\r") && pty.run(check);
    };
    QVERIFY(type("cd 'sub dir'"));
    QVERIFY(typeAndCheck("sh -c 'exit 3'", "echo \"st=" + status + "\""));
    QVERIFY2(pty.output().contains("st=3"), pty.output().constData());
    QVERIFY(typeAndCheck("false | true", "echo \"ps=" + pipe + "\""));
    QVERIFY2(pty.output().contains("ps=1 0"), pty.output().constData());
    if (!fish) { // fish's $_ means something else (the running command's name)
        QVERIFY(typeAndCheck("echo lastarg", "echo \"u=$_\""));
        QVERIFY2(pty.output().contains("u=lastarg"), pty.output().constData());
    }
    QVERIFY(pty.run("tm note checking the build"));
    QVERIFY(pty.run(" echo leading-space-is-not-recorded"));
    QVERIFY(type("sh -c 'kill -TERM $$'"));
    QVERIFY(harness.exitShell()); // types `exit`: the shell's end, not a command

    const QJsonObject result = harness.ingest();
    QCOMPARE(result.value(QStringLiteral("malformed_lines")).toInt(), 0);
    QCOMPARE(result.value(QStringLiteral("created_sessions")).toArray().size(), 1);
    QCOMPARE(result.value(QStringLiteral("files_removed")).toInt(), 1);
    const QList<v1::Event> events = harness.storedEvents();
    const QList<StoredCommand> commands = commandsOf(events);
    QCOMPARE(commandTexts(commands), typed);

    const QString work = harness.directory() + QStringLiteral("/work");
    QCOMPARE(QString::fromStdString(commands.at(0).started.cwd()), work);
    QCOMPARE(QString::fromStdString(commands.at(1).started.cwd()), work + QStringLiteral("/sub dir"));
    for (const StoredCommand& command : commands) {
        QCOMPARE(QString::fromStdString(command.started.shell()), shellName);
        QCOMPARE(command.started.shell_session_id(), commands.first().started.shell_session_id());
        QVERIFY(command.started.command_id() != commands.first().started.command_id() || &command == &commands.first());
        QVERIFY(command.started.shell_pid() == pty.pid());
    }
    QCOMPARE(commands.at(1).finished->exit_code(), 3);
    QCOMPARE(commands.at(3).finished->exit_code(), 0);
    QCOMPARE(pipeStatusOf(*commands.at(3).finished), QList<int>({1, 0}));
    QVERIFY(fish || commands.at(3).finished->duration_ns() > 0); // fish reports whole milliseconds
    const StoredCommand& killed = commands.last();
    QCOMPARE(killed.finished->exit_code(), 143);
    // bash and zsh never return from `exit`, so it would have no end ("interrupted"):
    // it is not stored, and every command that is has its end.
    for (const StoredCommand& command : commands)
        QVERIFY2(command.finished.has_value(), command.started.command().c_str());
    for (qsizetype i = 1; i < commands.size(); ++i)
        QVERIFY(commands.at(i).timeNs >= commands.at(i - 1).timeNs);

    // The note sits between the command before it and the one after it.
    qsizetype noteIndex = -1;
    for (qsizetype i = 0; i < events.size(); ++i) {
        if (events.at(i).has_note()) {
            QCOMPARE(noteIndex, -1);
            noteIndex = i;
            QCOMPARE(QString::fromStdString(events.at(i).note().text()), QStringLiteral("checking the build"));
            QCOMPARE(QString::fromStdString(events.at(i).note().origin()), QStringLiteral("shell"));
        }
    }
    QVERIFY(noteIndex > 0);
    QVERIFY(events.at(noteIndex - 1).has_command_finished());
    QVERIFY(events.at(noteIndex + 1).has_command_started());
    QVERIFY(bytes(events.at(noteIndex + 1).command_started().command()).startsWith("sh -c 'kill"));
}

void TestShellHooks::byteExactCommands_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addColumn<QByteArray>("command");
    // What a terminal can put on a command line (a pasted CR arrives as LF, so none here).
    const QByteArray any =
        "true 'tab\there back\\slash \\n \"double\" nl\nsecond line \xff\xfe\x80 end \xc3\xa9 %41 %'";
    QTest::newRow("bash") << QStringLiteral("bash") << any;
    QTest::newRow("bash-functions") << QStringLiteral("bash-functions") << any;
    QTest::newRow("zsh") << QStringLiteral("zsh") << any;
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions") << any;
    // fish's line editor drops invalid UTF-8 and tabs from what is typed or pasted, so
    // a fish command line cannot hold them; the rest must survive.
    QTest::newRow("fish") << QStringLiteral("fish")
                          << QByteArray("true 'back\\\\slash \\n \"double\" nl\nsecond line end \xc3\xa9 %41 %'");
}

void TestShellHooks::byteExactCommands()
{
    QFETCH(QString, shell);
    QFETCH(QByteArray, command);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    QVERIFY(harness.pty().write(pasted(command)));
    QVERIFY(harness.pty().run(QByteArray()));
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<StoredCommand> commands = commandsOf(harness.storedEvents());
    QCOMPARE(commands.size(), 1); // `exit` is no command
    QCOMPARE(bytes(commands.at(0).started.command()), command);
    QCOMPARE(commands.at(0).finished->exit_code(), 0);
}

// Debian's default HISTCONTROL=ignoreboth: a repeated command is still recorded (it
// ran twice), a leading space is not; the user's own PROMPT_COMMAND and DEBUG trap
// keep working and see the command's $?.
// Where the build has them (packages bash-builtins, zsh-dev), `trailmark init` loads
// the builtin or module; TRAILMARK_BASH_LOADABLE=0 / TRAILMARK_ZSH_MODULE=0 keep the
// shell functions. So the rows of the other tests really run both.
void TestShellHooks::loadsTheNativeHook_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addColumn<bool>("native");
#ifdef TRAILMARK_HAVE_BASH_LOADABLE
    QTest::newRow("bash") << QStringLiteral("bash") << true;
#endif
#ifdef TRAILMARK_HAVE_ZSH_MODULE
    QTest::newRow("zsh") << QStringLiteral("zsh") << true;
#endif
    QTest::newRow("bash-functions") << QStringLiteral("bash-functions") << false;
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions") << false;
}

void TestShellHooks::loadsTheNativeHook()
{
    QFETCH(QString, shell);
    QFETCH(bool, native);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    harness.pty().clearOutput();
    const bool bash = harness.shell() == QLatin1String("bash");
    QVERIFY(harness.pty().run(bash ? " echo \"hook=$(type -t __tm_hook)\"" : " echo \"hook=$(whence -w __tm_hook)\""));
    const QByteArray expected =
        native ? (bash ? "hook=builtin" : "hook=__tm_hook: builtin") : (bash ? "hook=\r" : "hook=__tm_hook: none");
    QVERIFY2(harness.pty().output().contains(expected), harness.pty().output().constData());
    if (bash) {
        QVERIFY(harness.pty().run("echo recorded"));
        QCOMPARE(firstRecordKind(harness.spoolDirectory()), native ? QByteArray("S0") : QByteArray("Sf"));
    } else {
        // module_path is as it was before the hook loaded its module.
        QProcess plain;
        plain.start(QStringLiteral("/bin/zsh"),
                    {QStringLiteral("-f"), QStringLiteral("-c"), QStringLiteral("print -r -- \"mp=$module_path.\"")});
        QVERIFY(plain.waitForFinished());
        const QByteArray before = plain.readAllStandardOutput().trimmed();
        QVERIFY(before.startsWith("mp=/"));
        harness.pty().clearOutput();
        QVERIFY(harness.pty().run(" print -r -- \"mp=$module_path.\""));
        QVERIFY2(harness.pty().output().contains(QByteArray(before + "\r")), harness.pty().output().constData());
    }
    QVERIFY(harness.exitShell());
}

void TestShellHooks::bashHistoryControlAndUserHooks_data()
{
    bashVariants();
}

void TestShellHooks::bashHistoryControlAndUserHooks()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start({QStringLiteral("HISTCONTROL=ignoreboth")},
                          "user_prompt() { user_status=$?; ((++user_prompts)); }\n"
                          "PROMPT_COMMAND=user_prompt\n"
                          "trap '((++user_traps))' DEBUG\n"));
    PtyDriver& pty = harness.pty();
    QVERIFY(pty.run("echo same"));
    QVERIFY(pty.run("echo same"));
    QVERIFY(pty.run(" echo hidden"));
    pty.clearOutput();
    QVERIFY(pty.write("sh -c 'exit 4'\r"));
    QVERIFY(pty.run(" echo \"user_status=$user_status prompts>0=$((user_prompts > 0)) traps>0=$((user_traps > 0))\""));
    QVERIFY2(pty.output().contains("user_status=4 prompts>0=1 traps>0=1"), pty.output().constData());
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<StoredCommand> commands = commandsOf(harness.storedEvents());
    QCOMPARE(commandTexts(commands), QList<QByteArray>({"echo same", "echo same", "sh -c 'exit 4'"}));
    QCOMPARE(commands.at(2).finished->exit_code(), 4);
}

void TestShellHooks::bashUnderNounset_data()
{
    bashVariants();
}

// `set -u` in the user's bashrc, before the hooks load and with PROMPT_COMMAND unset.
void TestShellHooks::bashUnderNounset()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start({}, "set -u\n"));
    PtyDriver& pty = harness.pty();
    pty.clearOutput();
    QVERIFY(pty.run("false | true"));
    QVERIFY(pty.run("(exit 3)"));
    QVERIFY(pty.run("tm note still counted"));
    QVERIFY2(!pty.output().contains("unbound"), pty.output().constData());
    verifyPipelineExitAndNote(harness, "(exit 3)", 3, QStringLiteral("still counted"));
}

void TestShellHooks::zshUserOptionsAndHooks_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions");
}

// Options that change how zsh expands (KSH_ARRAYS, NO_UNSET: an unset precmd_functions
// is then an error) must not keep the end of a command from being recorded, and the
// user's own precmd hook still sees the command's $?.
void TestShellHooks::zshUserOptionsAndHooks()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    // precmd as a plain function leaves precmd_functions unset.
    QVERIFY(harness.start({}, "setopt ksh_arrays no_unset\n"
                              "precmd() { user_status=$? }\n"));
    PtyDriver& pty = harness.pty();
    QVERIFY(pty.run("false | true"));
    pty.clearOutput();
    QVERIFY(pty.write("sh -c 'exit 5'\r"));
    QVERIFY(pty.run(" echo \"user_status=$user_status\""));
    QVERIFY2(pty.output().contains("user_status=5"), pty.output().constData());
    QVERIFY(pty.run("tm note under ksh arrays"));
    verifyPipelineExitAndNote(harness, "sh -c 'exit 5'", 5, QStringLiteral("under ksh arrays"));
}

void TestShellHooks::killedShellLeavesTheStart_data()
{
    recordsCommandsExitCodesAndNotes_data();
}

// The terminal goes away in the middle of a command: the command is still recorded.
void TestShellHooks::killedShellLeavesTheStart()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    QVERIFY(harness.pty().write("sleep 30\r"));
    // Ingested while the command still runs: its start is there, its end is not yet.
    const auto startedCommands = [&harness] {
        harness.ingest();
        return commandsOf(harness.storedEvents()).size();
    };
    QTRY_COMPARE(startedCommands(), 1);
    ::kill(harness.pty().pid(), SIGKILL);
    harness.pty().waitForExit();
    const QJsonObject result = harness.ingest();
    QCOMPARE(result.value(QStringLiteral("files_removed")).toInt(), 1);
    const QList<StoredCommand> commands = commandsOf(harness.storedEvents());
    QCOMPARE(commands.size(), 1);
    QCOMPARE(bytes(commands.first().started.command()), QByteArray("sleep 30"));
    QVERIFY(!commands.first().finished.has_value());
}

// fish's editor cannot produce these bytes (see above), but its hook must still encode
// whatever fish hands it: fire the real fish_preexec event with them.
void TestShellHooks::fishHookEncodesAnyBytes()
{
    ShellHarness harness(QStringLiteral("fish"));
    QVERIFY(harness.start());
    QVERIFY(harness.pty().run("emit fish_preexec (printf 'a\\tb\\xff\\xfe\\x80 %%41\\nline2' | string collect)"));
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<StoredCommand> commands = commandsOf(harness.storedEvents());
    QCOMPARE(commands.size(), 2); // the `emit` line and the command it fired; `exit` is none
    QCOMPARE(bytes(commands.at(1).started.command()), QByteArray("a\tb\xff\xfe\x80 %41\nline2"));
}

void TestShellHooks::megabyteCommand_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions");
    QTest::newRow("bash") << QStringLiteral("bash");
}

void TestShellHooks::megabyteCommand()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    QByteArray payload;
    payload.reserve(1 << 20);
    for (int i = 0; payload.size() < (1 << 20) - 16; ++i)
        payload += "x" + QByteArray::number(i % 10) + (i % 97 == 0 ? "\t\\\n" : "");
    const QByteArray command = "true '" + payload + "'";
    QVERIFY(harness.pty().write(pasted(command)));
    QVERIFY(harness.pty().run(QByteArray(), 120000));
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<StoredCommand> commands = commandsOf(harness.storedEvents());
    QCOMPARE(commands.size(), 1); // `exit` is no command
    QCOMPARE(bytes(commands.at(0).started.command()).size(), command.size());
    QVERIFY(bytes(commands.at(0).started.command()) == command);
}

// The hooks write while no ingester runs; `trailmark ingest` later stores each record
// once, however often it runs, and the shell's file goes away when it has ended.
QTEST_GUILESS_MAIN(TestShellHooks)
#include "TestShellHooks.moc"
