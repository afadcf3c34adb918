// The README's one rc line, followed to the letter: a real shell started interactively on
// a terminal (a pty the test drives), whose rc file holds exactly that line, keeps every
// command's output, on one process for the terminal; a shell already under
// `trailmark shell` does not start another one; and a database that cannot be opened
// still gives the user a working shell.
#include "PtyDriver.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;
using namespace trailmark::test;

namespace {

// The rc line the README's "Shell commands" paragraph tells people to add, for shell.
QByteArray readmeLine(const QString& shell)
{
    QFile readme(QStringLiteral(TRAILMARK_SOURCE_DIR "/README.md"));
    if (!readme.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = readme.readAll();
    const qsizetype paragraph = text.indexOf("**Shell commands.**");
    const qsizetype start = text.indexOf("\n```sh\n", paragraph) + 7;
    const QByteArray line = text.mid(start, text.indexOf('\n', start) - start); // "bash-line   # or zsh; fish: ..."
    const QByteArray bash = line.left(line.indexOf('#')).trimmed();
    if (shell == QLatin1String("fish"))
        return line.mid(line.indexOf("fish: ") + 6).trimmed();
    return QByteArray(bash).replace("init bash", QByteArray("init " + shell.toUtf8()));
}

struct Terminal
{
    QTemporaryDir home;
    QProcessEnvironment environment;
    QString database() const { return home.path() + QStringLiteral("/trailmark.db"); }
};

// A home whose rc file for shell holds the README's line and nothing else, and `trailmark`
// on PATH, as after following the README.
void prepare(Terminal& terminal, const QString& shell)
{
    const QString home = terminal.home.path();
    const QByteArray line = readmeLine(shell) + "\n";
    QString rc = home + QStringLiteral("/.bashrc");
    if (shell == QLatin1String("zsh"))
        rc = home + QStringLiteral("/.zshrc");
    if (shell == QLatin1String("fish")) {
        QDir(home).mkpath(QStringLiteral(".config/fish"));
        // Keeps fish from starting its background man-page parser, which would outlive the test.
        QDir(home).mkpath(QStringLiteral(".local/share/fish/generated_completions"));
        rc = home + QStringLiteral("/.config/fish/config.fish");
    }
    QFile file(rc);
    if (file.open(QIODevice::WriteOnly))
        file.write(line);
    QProcessEnvironment& environment = terminal.environment;
    environment.insert(QStringLiteral("HOME"), home);
    environment.insert(QStringLiteral("PATH"), QFileInfo(QStringLiteral(TRAILMARK_BINARY)).absolutePath() +
                                                   QLatin1Char(':') + qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    environment.insert(QStringLiteral("USER"), QStringLiteral("tester"));
    environment.insert(QStringLiteral("TRAILMARK_DB"), terminal.database());
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), home + QStringLiteral("/spool"));
    environment.insert(QStringLiteral("XDG_STATE_HOME"), home + QStringLiteral("/state"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/.config"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/.local/share"));
}

QStringList shellProgram(const QString& shell)
{
    return {shell == QLatin1String("fish") ? QStringLiteral("/usr/bin/fish") : QStringLiteral("/bin/") + shell,
            QStringLiteral("-i")};
}

// The commands stored in every session, with the CommandFinished of each.
QList<std::pair<QByteArray, v1::CommandFinished>> storedCommands(const QString& database, qsizetype* sessions)
{
    QList<std::pair<QByteArray, v1::CommandFinished>> commands;
    QString error;
    auto store = store::Store::open(database, store::Store::Access::ReadOnly, &error);
    if (!store)
        return commands;
    const auto summaries = store->sessionSummaries(&error);
    *sessions = summaries ? summaries->size() : -1;
    QHash<std::string, qsizetype> byId;
    for (const store::SessionSummary& summary : summaries.value_or(QList<store::SessionSummary>{})) {
        store->readEvents(
            QString::fromStdString(summary.session.id()), 0, -1,
            [&](const store::StoredEvent& stored) {
                if (stored.event.has_command_started()) {
                    byId.insert(stored.event.command_started().command_id(), commands.size());
                    commands.append({QByteArray::fromStdString(stored.event.command_started().command()), {}});
                } else if (stored.event.has_command_finished()) {
                    const auto found = byId.constFind(stored.event.command_finished().command_id());
                    if (found != byId.cend())
                        commands[*found].second = stored.event.command_finished();
                }
                return true;
            },
            &error);
    }
    return commands;
}

// The program a process runs, and its children, from /proc.
QString executableOf(qint64 pid)
{
    return QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).canonicalFilePath();
}

QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> children;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!number || !stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray text = stat.readAll();
        const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' '); // state ppid ...
        // Zombies are left out: fish execs while `trailmark init fish`, the other end of its
        // `| source`, may still be running, to be reaped by the process after exec.
        if (fields.size() > 1 && fields.at(1).toLongLong() == parent && fields.at(0) != "Z")
            children.append(pid);
    }
    return children;
}

// Types the commands of a short piece of work. The terminal's process must be
// `trailmark shell` (the shell replaced itself: one process), with the shell as its
// only child and no second `trailmark shell` under that.
void work(PtyDriver& pty, const QString& shell)
{
    QVERIFY2(pty.run(" true", 30000), pty.output().constData());
    const QString trailmark = QFileInfo(QStringLiteral(TRAILMARK_BINARY)).canonicalFilePath();
    QCOMPARE(executableOf(pty.pid()), trailmark);
    const QList<qint64> children = childrenOf(pty.pid());
    QCOMPARE(children.size(), 1);
    QCOMPARE(QFileInfo(executableOf(children.first())).fileName(), shell);
    for (const qint64 grandchild : childrenOf(children.first()))
        QVERIFY(executableOf(grandchild) != trailmark);
    pty.clearOutput();
    QVERIFY2(pty.runToPrompt("echo hello-output"), pty.output().constData()); // OSC 133 marks: on the pty
    QVERIFY(pty.runToPrompt("printf 'first line\\nsecond line\\n'"));
    QVERIFY(pty.runToPrompt("ls /nonexistent-trailmark-dir"));
    QVERIFY(pty.write("exit 0\r"));
    QCOMPARE(pty.waitForExit(20000), 0);
}

void verifyOutputCaptured(const QString& database)
{
    qsizetype sessions = 0;
    const auto commands = storedCommands(database, &sessions);
    QCOMPARE(sessions, 1);
    QCOMPARE(commands.size(), 3); // `exit 0` ends the shell: no command
    QCOMPARE(commands.at(0).first, QByteArray("echo hello-output"));
    QCOMPARE(commands.at(1).first, QByteArray("printf 'first line\\nsecond line\\n'"));
    QCOMPARE(commands.at(2).first, QByteArray("ls /nonexistent-trailmark-dir"));
    for (qsizetype i = 0; i < 3; ++i)
        QVERIFY2(commands.at(i).second.output_captured(), commands.at(i).first.constData());
    QCOMPARE(QByteArray::fromStdString(commands.at(0).second.output_head()), QByteArray("hello-output\n"));
    QCOMPARE(QByteArray::fromStdString(commands.at(1).second.output_head()), QByteArray("first line\nsecond line\n"));
    QVERIFY(QByteArray::fromStdString(commands.at(2).second.output_head()).contains("nonexistent-trailmark-dir"));
    QVERIFY(commands.at(2).second.exit_code() != 0);
}

} // namespace

class TestCaptureOutputInit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readmeLineCapturesOutput_data();
    void readmeLineCapturesOutput();
    void insideTrailmarkShellDoesNotNest_data();
    void insideTrailmarkShellDoesNotNest();
    void unusableDatabaseStillGivesAShell();
    void notInteractiveRunsNothing();
};

static void shells()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << QStringLiteral("bash");
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("fish") << QStringLiteral("fish");
}

void TestCaptureOutputInit::readmeLineCapturesOutput_data()
{
    shells();
}

void TestCaptureOutputInit::readmeLineCapturesOutput()
{
    QFETCH(QString, shell);
    QVERIFY2(readmeLine(shell).contains("--capture-output"), readmeLine(shell).constData());
    Terminal terminal;
    prepare(terminal, shell);
    PtyDriver pty;
    QVERIFY(pty.start(shellProgram(shell), terminal.environment, terminal.home.path()));
    work(pty, shell);
    if (!QTest::currentTestFailed())
        verifyOutputCaptured(terminal.database());
}

void TestCaptureOutputInit::insideTrailmarkShellDoesNotNest_data()
{
    shells();
}

void TestCaptureOutputInit::insideTrailmarkShellDoesNotNest()
{
    QFETCH(QString, shell);
    Terminal terminal;
    prepare(terminal, shell);
    terminal.environment.insert(QStringLiteral("SHELL"), shellProgram(shell).first());
    PtyDriver pty;
    QVERIFY(pty.start({QStringLiteral(TRAILMARK_BINARY), QStringLiteral("shell")}, terminal.environment,
                      terminal.home.path()));
    work(pty, shell); // the shell's parent is that `trailmark shell`: none in between
    if (!QTest::currentTestFailed())
        verifyOutputCaptured(terminal.database());
}

void TestCaptureOutputInit::unusableDatabaseStillGivesAShell()
{
    Terminal terminal;
    prepare(terminal, QStringLiteral("bash"));
    const QString blocked = terminal.home.path() + QStringLiteral("/not-a-directory");
    QFile file(blocked);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    terminal.environment.insert(QStringLiteral("TRAILMARK_DB"), blocked + QStringLiteral("/trailmark.db"));
    PtyDriver pty;
    QVERIFY(pty.start(shellProgram(QStringLiteral("bash")), terminal.environment, terminal.home.path()));
    QVERIFY2(pty.run("echo \"capture=$TRAILMARK_CAPTURE_OUTPUT pty=${TRAILMARK_PTY-none}\"", 30000),
             pty.output().constData());
    QVERIFY2(pty.output().contains("without output capture"), pty.output().constData()); // said
    QVERIFY2(pty.output().contains("capture=0 pty=none\r\n"), pty.output().constData());
    QVERIFY(pty.write("exit\r"));
    QCOMPARE(pty.waitForExit(20000), 0);
    // The commands still wait in the spool for `trailmark ingest`.
    QVERIFY(!QDir(terminal.home.path() + QStringLiteral("/spool"))
                 .entryList({QStringLiteral("*.spool")}, QDir::Files)
                 .isEmpty());
}

void TestCaptureOutputInit::notInteractiveRunsNothing()
{
    Terminal terminal;
    prepare(terminal, QStringLiteral("bash"));
    // A script that sources the rc file (not interactive) goes on in the same process.
    PtyDriver pty;
    QVERIFY(pty.start({QStringLiteral("/bin/bash"), QStringLiteral("-c"),
                       QStringLiteral(". ~/.bashrc; echo \"still-$$-${TRAILMARK_PTY-none}\"")},
                      terminal.environment, terminal.home.path()));
    QVERIFY(pty.waitFor("still-" + QByteArray::number(pty.pid()) + "-none"));
    QCOMPARE(pty.waitForExit(20000), 0);
}

QTEST_GUILESS_MAIN(TestCaptureOutputInit)
#include "TestCaptureOutputInit.moc"
