#include "SpoolRecord.h"

#include <QTest>

using namespace trailmark;

class TestSpoolRecord final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesLines_data();
    void parsesLines();
    void rejectsMalformedLines_data();
    void rejectsMalformedLines();
    void megabyteField();
    void fileNames_data();
    void fileNames();
};

void TestSpoolRecord::parsesLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QByteArray>("id");
    QTest::addColumn<qint64>("timeNs");
    QTest::addColumn<QByteArray>("cwd");
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QList<int>>("pipe");
    QTest::addColumn<qint64>("durationNs");
    const int start = static_cast<int>(SpoolRecord::Kind::Start);
    const int end = static_cast<int>(SpoolRecord::Kind::End);
    const int note = static_cast<int>(SpoolRecord::Kind::Note);

    QTest::newRow("bash start") << QByteArray("S\tbash-1-2-1\t1764335400.123456\t/home/me\tls -l") << start
                                << QByteArray("bash-1-2-1") << qint64(1764335400123456000) << QByteArray("/home/me")
                                << QByteArray("ls -l") << 0 << QList<int>() << qint64(0);
    QTest::newRow("escapes") << QByteArray("S\tid\t1.5\t/a\\tb\tx\\\\y\\nz\\r\\t\xff") << start << QByteArray("id")
                             << qint64(1'500'000'000) << QByteArray("/a\tb") << QByteArray("x\\y\nz\r\t\xff") << 0
                             << QList<int>() << qint64(0);
    QTest::newRow("comma decimal, zsh nanoseconds")
        << QByteArray("S\tid\t12,0000000019\t/\t") << start << QByteArray("id") << qint64(12'000'000'001)
        << QByteArray("/") << QByteArray() << 0 << QList<int>() << qint64(0);
    QTest::newRow("end with pipestatus") << QByteArray("E\tid\t10\t3\t1 0 3\t2217") << end << QByteArray("id")
                                         << qint64(10'000'000'000) << QByteArray() << QByteArray() << 3
                                         << QList<int>({1, 0, 3}) << qint64(2'217'000);
    QTest::newRow("end without pipestatus")
        << QByteArray("E\tid\t10.1\t0\t\t0") << end << QByteArray("id") << qint64(10'100'000'000) << QByteArray()
        << QByteArray() << 0 << QList<int>() << qint64(0);
    QTest::newRow("note") << QByteArray("N\t7\tsee \\\\ here") << note << QByteArray() << qint64(7'000'000'000)
                          << QByteArray() << QByteArray("see \\ here") << 0 << QList<int>() << qint64(0);
    QTest::newRow("fish percent") << QByteArray("S%\tfish-1-2-3\t5.25\t/t%20d\techo%09%5C%FF%0A") << start
                                  << QByteArray("fish-1-2-3") << qint64(5'250'000'000) << QByteArray("/t d")
                                  << QByteArray("echo\t\\\xff\n") << 0 << QList<int>() << qint64(0);
}

void TestSpoolRecord::parsesLines()
{
    QFETCH(QByteArray, line);
    QFETCH(int, kind);
    QFETCH(QByteArray, id);
    QFETCH(qint64, timeNs);
    QFETCH(QByteArray, cwd);
    QFETCH(QByteArray, text);
    QFETCH(int, exitCode);
    QFETCH(QList<int>, pipe);
    QFETCH(qint64, durationNs);
    QString error;
    const auto record = parseSpoolLine(line, &error);
    QVERIFY2(record, qPrintable(error));
    QCOMPARE(static_cast<int>(record->kind), kind);
    QCOMPARE(record->commandId, id);
    QCOMPARE(record->timeNs, timeNs);
    QCOMPARE(record->cwd, cwd);
    QCOMPARE(record->text, text);
    QCOMPARE(record->exitCode, exitCode);
    QCOMPARE(record->pipeStatus, pipe);
    QCOMPARE(record->durationNs, durationNs);
}

void TestSpoolRecord::rejectsMalformedLines_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << QByteArray() << QStringLiteral("unknown record kind");
    QTest::newRow("unknown kind") << QByteArray("X\ta") << QStringLiteral("unknown record kind");
    QTest::newRow("missing field") << QByteArray("S\tid\t1\t/") << QStringLiteral("expected 5 fields, found 4");
    QTest::newRow("extra field") << QByteArray("N\t1\ta\tb") << QStringLiteral("expected 3 fields, found 4");
    QTest::newRow("bad time") << QByteArray("N\t1x\ta") << QStringLiteral("bad time '1x'");
    QTest::newRow("bad escape") << QByteArray("N\t1\ta\\qb") << QStringLiteral("note: unknown escape \\q");
    QTest::newRow("trailing backslash") << QByteArray("N\t1\ta\\")
                                        << QStringLiteral("note: backslash at the end of a field");
    QTest::newRow("bad exit") << QByteArray("E\tid\t1\t-1\t\t0") << QStringLiteral("bad exit status '-1'");
    QTest::newRow("bad pipestatus") << QByteArray("E\tid\t1\t0\t1  0\t0") << QStringLiteral("bad pipestatus '1  0'");
    QTest::newRow("bad duration") << QByteArray("E\tid\t1\t0\t0\tx") << QStringLiteral("bad duration 'x'");
    QTest::newRow("bad percent") << QByteArray("N%\t1\t%zz") << QStringLiteral("note: bad percent escape");
    QTest::newRow("lone percent") << QByteArray("N%\t1\ta%") << QStringLiteral("note: bad percent escape");
    QTest::newRow("empty id") << QByteArray("S\t\t1\t/\tls") << QStringLiteral("bad command id");
}

void TestSpoolRecord::rejectsMalformedLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!parseSpoolLine(line, &error));
    QCOMPARE(error, reason);
}

void TestSpoolRecord::megabyteField()
{
    QByteArray command(1 << 20, 'a');
    for (int i = 0; i < command.size(); i += 1000)
        command[i] = static_cast<char>(i % 256);
    QByteArray escaped = command;
    escaped.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    QString error;
    const auto record = parseSpoolLine(QByteArray("S\tid\t1\t/\t" + escaped), &error);
    QVERIFY2(record, qPrintable(error));
    QVERIFY(record->text == command);
}

void TestSpoolRecord::fileNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("session");
    QTest::addColumn<qint64>("pid");
    QTest::addColumn<qint64>("generation");
    QTest::newRow("bash") << QStringLiteral("bash-123-1764335400123456.7.spool") << true
                          << QStringLiteral("bash-123-1764335400123456") << qint64(123) << qint64(7);
    QTest::newRow("fish") << QStringLiteral("fish-9-1.1.spool") << true << QStringLiteral("fish-9-1") << qint64(9)
                          << qint64(1);
    QTest::newRow("unknown shell") << QStringLiteral("tcsh-9-1.1.spool") << false << QString() << qint64(0)
                                   << qint64(0);
    QTest::newRow("scratch") << QStringLiteral("bash-9-1.scratch") << false << QString() << qint64(0) << qint64(0);
    QTest::newRow("no generation") << QStringLiteral("bash-9-1.spool") << false << QString() << qint64(0) << qint64(0);
}

void TestSpoolRecord::fileNames()
{
    QFETCH(QString, name);
    QFETCH(bool, valid);
    const auto parsed = parseSpoolFileName(name);
    QCOMPARE(parsed.has_value(), valid);
    if (!valid)
        return;
    QFETCH(QString, session);
    QFETCH(qint64, pid);
    QFETCH(qint64, generation);
    QCOMPARE(parsed->sessionId, session);
    QCOMPARE(parsed->pid, pid);
    QCOMPARE(parsed->generation, generation);
}

QTEST_GUILESS_MAIN(TestSpoolRecord)
#include "TestSpoolRecord.moc"
