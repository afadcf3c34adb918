#include "PtyDriver.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;
using namespace trailmark::test;

// `trailmark shell` run by a person at a terminal (a pty the test drives): the output
// reaches the terminal unchanged, and each command is stored with its output.
class TestShellCommand final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void capturesOutputPerCommand_data();
    void capturesOutputPerCommand();
};

void TestShellCommand::capturesOutputPerCommand_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addColumn<bool>("native"); // the bash builtin or zsh module hook, else shell functions
    QTest::newRow("bash") << QStringLiteral("/bin/bash") << true;
    QTest::newRow("bash-functions") << QStringLiteral("/bin/bash") << false;
    QTest::newRow("zsh") << QStringLiteral("/bin/zsh") << true;
    QTest::newRow("zsh-functions") << QStringLiteral("/bin/zsh") << false;
    QTest::newRow("fish") << QStringLiteral("/usr/bin/fish") << true;
}

void TestShellCommand::capturesOutputPerCommand()
{
    QFETCH(QString, shell);
    QFETCH(bool, native);
    QTemporaryDir home;
    QDir(home.path()).mkpath(QStringLiteral(".config/fish"));
    // Keeps fish from starting its background man-page parser, which would outlive the test.
    QDir(home.path()).mkpath(QStringLiteral(".local/share/fish/generated_completions"));
    QFile bashrc(home.path() + QStringLiteral("/.bashrc"));
    QVERIFY(bashrc.open(QIODevice::WriteOnly));
    bashrc.write("PS1='$ '\n");
    bashrc.close();
    QFile zshrc(home.path() + QStringLiteral("/.zshrc"));
    QVERIFY(zshrc.open(QIODevice::WriteOnly));
    zshrc.write("PS1='%# '\n");
    zshrc.close();
    QFile fishConfig(home.path() + QStringLiteral("/.config/fish/config.fish"));
    QVERIFY(fishConfig.open(QIODevice::WriteOnly));
    fishConfig.write("set -g fish_greeting ''\nfunction fish_prompt; printf '> '; end\n");
    fishConfig.close();
    const QString database = home.path() + QStringLiteral("/trailmark.db");
    const QString spool = home.path() + QStringLiteral("/spool");

    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    environment.insert(QStringLiteral("SHELL"), shell);
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), spool);
    environment.insert(QStringLiteral("TRAILMARK_OUTPUT_CAP"), QStringLiteral("100"));
    if (!native) {
        environment.insert(QStringLiteral("TRAILMARK_BASH_LOADABLE"), QStringLiteral("0"));
        environment.insert(QStringLiteral("TRAILMARK_ZSH_MODULE"), QStringLiteral("0"));
    }
    environment.insert(QStringLiteral("XDG_STATE_HOME"), home.path() + QStringLiteral("/state"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.path() + QStringLiteral("/.config"));
    PtyDriver pty;
    QVERIFY(pty.start({QStringLiteral(TRAILMARK_BINARY), QStringLiteral("--db"), database, QStringLiteral("shell")},
                      environment, home.path()));
    QVERIFY(pty.run(" true", 20000));
    pty.clearOutput();
    // Output is compared exactly below: nothing may be typed while these run (the
    // terminal would echo it into their output, as it does for a person typing ahead).
    QVERIFY(pty.runToPrompt("printf '\\033[31mred\\033[0m\\n'; echo two"));
    QVERIFY2(pty.output().contains("\x1b[31mred\x1b[0m\r\ntwo\r\n"), pty.output().constData()); // unchanged
    QVERIFY(pty.runToPrompt("seq 1 2000"));
    QVERIFY(pty.resize(30, 100));
    QTest::qWait(200); // SIGWINCH is asynchronous; a person types long after resizing
    pty.clearOutput();
    QVERIFY(pty.runToPrompt("stty size"));
    QVERIFY2(pty.output().contains("30 100"), pty.output().constData());
    // Ctrl-C reaches the command, not Trailmark.
    QVERIFY(pty.write("sleep 20\r"));
    QTest::qWait(300);
    QVERIFY(pty.write("\x03"));
    QVERIFY(pty.run(" true"));
    QVERIFY(pty.write("exit 7\r"));
    QCOMPARE(pty.waitForExit(20000), 7);

    QString error;
    auto store = store::Store::open(database, store::Store::Access::ReadOnly, &error);
    QVERIFY2(store, qPrintable(error));
    const auto sessions = store->sessionSummaries(&error);
    QVERIFY(sessions);
    QCOMPARE(sessions->size(), 1);
    QList<v1::Event> events;
    QVERIFY(store->readEvents(
        QString::fromStdString(sessions->first().session.id()), 0, -1,
        [&](const store::StoredEvent& stored) {
            events.append(stored.event);
            return true;
        },
        &error));
    QList<QByteArray> commands;
    QList<v1::CommandFinished> finished;
    for (const v1::Event& event : std::as_const(events)) {
        if (event.has_command_started())
            commands.append(QByteArray::fromStdString(event.command_started().command()));
        if (event.has_command_finished())
            finished.append(event.command_finished());
    }
    QCOMPARE(commands, QList<QByteArray>({"printf '\\033[31mred\\033[0m\\n'; echo two", "seq 1 2000", "stty size",
                                          "sleep 20"})); // `exit 7` ends the shell: no command
    QVERIFY(finished.size() >= 4);
    QVERIFY(finished.at(0).output_captured());
    QCOMPARE(QByteArray::fromStdString(finished.at(0).output_head()), QByteArray("red\ntwo\n"));
    QVERIFY(!finished.at(0).output_truncated());
    QByteArray numbers;
    for (int i = 1; i <= 2000; ++i)
        numbers += QByteArray::number(i) + "\n";
    QCOMPARE(QByteArray::fromStdString(finished.at(1).output_head()), numbers.left(100));
    QCOMPARE(QByteArray::fromStdString(finished.at(1).output_tail()), numbers.right(100));
    QVERIFY(finished.at(1).output_truncated());
    QCOMPARE(finished.at(1).output_bytes(), quint64(numbers.size()));
    QCOMPARE(QByteArray::fromStdString(finished.at(2).output_head()), QByteArray("30 100\n"));
    QCOMPARE(finished.at(3).exit_code(), shell.endsWith(QLatin1String("fish")) ? 130 : 130);
    // Nothing left behind in the spool.
    QVERIFY(QDir(spool).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty());
}

QTEST_GUILESS_MAIN(TestShellCommand)
#include "TestShellCommand.moc"
