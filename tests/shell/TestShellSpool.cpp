// The hooks' spool files under real shells: exactly once while the app is stopped,
// rotation, a spool that vanished, and writes that fail part way.
#include "ShellHarness.h"
#include "TestSupport.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace trailmark;
using namespace trailmark::test;

class TestShellSpool final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exactlyOnceWhileTheAppIsStopped_data();
    void exactlyOnceWhileTheAppIsStopped();
    void rotatesSpoolFiles_data();
    void rotatesSpoolFiles();
    void reopensAVanishedSpool_data();
    void reopensAVanishedSpool();
    void failingSpoolWritesAreSaidOnceAndTearNothing_data();
    void failingSpoolWritesAreSaidOnceAndTearNothing();
};

void TestShellSpool::exactlyOnceWhileTheAppIsStopped_data()
{
    hookVariants();
}

void TestShellSpool::exactlyOnceWhileTheAppIsStopped()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    QVERIFY(harness.pty().run("echo one"));
    QVERIFY(harness.pty().run("echo two"));
    QJsonObject first = harness.ingest();
    QCOMPARE(first.value(QStringLiteral("events")).toInt(), 4);
    QCOMPARE(first.value(QStringLiteral("files_removed")).toInt(), 0); // the shell still runs
    QCOMPARE(harness.ingest().value(QStringLiteral("events")).toInt(), 0);
    QVERIFY(harness.pty().run("echo three"));
    QVERIFY(harness.exitShell());
    const QJsonObject last = harness.ingest();
    QCOMPARE(last.value(QStringLiteral("events")).toInt(), 2); // three's S and E (`exit` is no command)
    QCOMPARE(last.value(QStringLiteral("files_removed")).toInt(), 1);
    QCOMPARE(last.value(QStringLiteral("created_sessions")).toArray().size(), 0); // same session as before
    QCOMPARE(harness.ingest().value(QStringLiteral("events")).toInt(), 0);
    QCOMPARE(commandTexts(commandsOf(harness.storedEvents())),
             QList<QByteArray>({"echo one", "echo two", "echo three"}));
    QVERIFY(QDir(harness.spoolDirectory()).entryList(QDir::Files).isEmpty()); // scratch file gone too
}

void TestShellSpool::rotatesSpoolFiles_data()
{
    hookVariants();
}

void TestShellSpool::rotatesSpoolFiles()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start({QStringLiteral("TRAILMARK_SPOOL_ROTATE=4")}));
    for (int i = 0; i < 5; ++i)
        QVERIFY(harness.pty().run("echo r" + QByteArray::number(i)));
    const QStringList before = QDir(harness.spoolDirectory()).entryList({QStringLiteral("*.spool")}, QDir::Files);
    QCOMPARE(before.size(), 3); // 10 records, 4 per file
    for (const QString& name : before)
        QCOMPARE(modeOf(harness.spoolDirectory() + QLatin1Char('/') + name), 0600);
    QCOMPARE(modeOf(harness.spoolDirectory()), 0700);
    QCOMPARE(harness.ingest().value(QStringLiteral("files_removed")).toInt(), 2); // the live one stays
    QCOMPARE(QDir(harness.spoolDirectory()).entryList({QStringLiteral("*.spool")}, QDir::Files).size(), 1);
    QVERIFY(harness.pty().run("echo after"));
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    QCOMPARE(commandTexts(commandsOf(harness.storedEvents())),
             QList<QByteArray>({"echo r0", "echo r1", "echo r2", "echo r3", "echo r4", "echo after"}));
    QVERIFY(QDir(harness.spoolDirectory()).entryList(QDir::Files).isEmpty());
}

void TestShellSpool::reopensAVanishedSpool_data()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << QStringLiteral("bash");
    QTest::newRow("bash-functions") << QStringLiteral("bash-functions");
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions");
}

// Someone deletes the spool directory under a running shell (a cleaner, a logout that
// clears XDG_RUNTIME_DIR): the next command opens a new file and nothing after it is lost.
void TestShellSpool::reopensAVanishedSpool()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    QVERIFY(harness.start());
    QVERIFY(harness.pty().run("echo before"));
    QVERIFY(QDir(harness.spoolDirectory()).removeRecursively());
    harness.pty().clearOutput();
    QVERIFY(harness.pty().run("echo after"));
    QVERIFY2(!harness.pty().output().contains("rror"), harness.pty().output().constData());
    QVERIFY(harness.pty().run("tm note still here"));
    QCOMPARE(modeOf(harness.spoolDirectory()), 0700);
    QVERIFY(harness.exitShell());
    QVERIFY(!harness.ingest().isEmpty());
    const QList<v1::Event> events = harness.storedEvents();
    QCOMPARE(commandTexts(commandsOf(events)), QList<QByteArray>({"echo after"}));
    QVERIFY(commandsOf(events).first().finished.has_value());
    QCOMPARE(QString::fromStdString(events.last().note().text()), QStringLiteral("still here"));
}

void TestShellSpool::failingSpoolWritesAreSaidOnceAndTearNothing_data()
{
    QTest::addColumn<QString>("shell");
#ifdef TRAILMARK_HAVE_BASH_LOADABLE
    QTest::newRow("bash") << QStringLiteral("bash");
#endif
#ifdef TRAILMARK_HAVE_ZSH_MODULE
    QTest::newRow("zsh") << QStringLiteral("zsh");
#endif
}

// The spool's file system fills up under the builtin or module (here: a file size limit,
// which fails writes the same way, part way through a record): the shell says so once,
// keeps working, leaves no torn record behind, and records again once there is room.
void TestShellSpool::failingSpoolWritesAreSaidOnceAndTearNothing()
{
    QFETCH(QString, shell);
    ShellHarness harness(shell);
    // Without this the kernel's SIGXFSZ would end the shell at the limit.
    QVERIFY(harness.start({}, "trap '' XFSZ\n"));
    PtyDriver& pty = harness.pty();
    pty.clearOutput();
    QVERIFY(pty.run("ulimit -S -f 2")); // 1 KiB (zsh) or 2 KiB (bash)
    for (int i = 0; i < 40; ++i)
        QVERIFY(pty.run("echo fill-" + QByteArray::number(i) + "-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    QVERIFY(pty.run("ulimit -S -f unlimited"));
    QVERIFY(pty.run("echo after"));
    QCOMPARE(pty.output().count("trailmark: cannot write to the shell spool"), 1);
    QVERIFY(harness.exitShell());

    const QJsonObject result = harness.ingest();
    QCOMPARE(result.value(QStringLiteral("malformed_lines")).toInt(), 0);
    const QList<QByteArray> texts = commandTexts(commandsOf(harness.storedEvents()));
    QCOMPARE(texts.first(), QByteArray("ulimit -S -f 2"));
    QVERIFY(texts.contains("echo fill-0-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    QVERIFY(!texts.contains("echo fill-39-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")); // past the limit
    QCOMPARE(texts.last(), QByteArray("echo after"));
}

QTEST_GUILESS_MAIN(TestShellSpool)
#include "TestShellSpool.moc"
