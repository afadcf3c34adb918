#include "capture/shell/SpoolRecord.h"

#include <QTest>

using namespace trailmark;

namespace {

// A literal with NULs inside, all of it.
template <qsizetype N> QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, N - 1);
}

} // namespace

class TestSpoolRecord final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesLines_data();
    void parsesLines();
    void rejectsMalformedLines_data();
    void rejectsMalformedLines();
    void megabyteField();
    void recordEnds();
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
    const int start = static_cast<int>(capture::SpoolRecord::Kind::Start);
    const int end = static_cast<int>(capture::SpoolRecord::Kind::End);
    const int note = static_cast<int>(capture::SpoolRecord::Kind::Note);

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
    // Version 2: raw bytes ended by NUL; TAB, LF, backslash, '%' and invalid UTF-8 are themselves.
    QTest::newRow("v2 start") << raw("S0\t5\t7.5\t/a\tb\nc\0x\\y\n\tz \xff\xfe %41\0") << start << QByteArray("5")
                              << qint64(7'500'000'000) << QByteArray("/a\tb\nc") << QByteArray("x\\y\n\tz \xff\xfe %41")
                              << 0 << QList<int>() << qint64(0);
    QTest::newRow("v2 bash fc line") << raw("Sf\t6\t8\t/\0"
                                            "123\t echo 1\t2\n\n\0")
                                     << start << QByteArray("6") << qint64(8'000'000'000) << QByteArray("/")
                                     << QByteArray("echo 1\t2\n") << 0 << QList<int>() << qint64(0);
    QTest::newRow("v2 end") << QByteArray("E0\t6\t10.25\t1\t0 1\t8") << end << QByteArray("6") << qint64(10'250'000'000)
                            << QByteArray() << QByteArray() << 1 << QList<int>({0, 1}) << qint64(2'250'000'000);
    QTest::newRow("v2 note") << raw("N0\t9\ta\tb\n\\c\0") << note << QByteArray() << qint64(9'000'000'000)
                             << QByteArray() << QByteArray("a\tb\n\\c") << 0 << QList<int>() << qint64(0);
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
    const auto record = capture::parseSpoolLine(line, &error);
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
    // Found by the fuzzer: 12-digit seconds overflowed int64 nanoseconds.
    QTest::newRow("time past int64") << QByteArray("N\t999999999999.5\ta")
                                     << QStringLiteral("bad time '999999999999.5'");
    QTest::newRow("bad escape") << QByteArray("N\t1\ta\\qb") << QStringLiteral("note: unknown escape \\q");
    QTest::newRow("trailing backslash") << QByteArray("N\t1\ta\\")
                                        << QStringLiteral("note: backslash at the end of a field");
    QTest::newRow("bad exit") << QByteArray("E\tid\t1\t-1\t\t0") << QStringLiteral("bad exit status '-1'");
    QTest::newRow("bad pipestatus") << QByteArray("E\tid\t1\t0\t1  0\t0") << QStringLiteral("bad pipestatus '1  0'");
    QTest::newRow("bad duration") << QByteArray("E\tid\t1\t0\t0\tx") << QStringLiteral("bad duration 'x'");
    // Found by the fuzzer: microseconds past int64 nanoseconds.
    QTest::newRow("duration past int64") << QByteArray("E\tid\t1\t0\t\t9223372036854776")
                                         << QStringLiteral("bad duration '9223372036854776'");
    QTest::newRow("NUL in a number") << raw("E\tid\t1\t0\t\t12\0x") << QStringLiteral("bad duration '12\\x00x'");
    QTest::newRow("space in a number") << QByteArray("E\tid\t1\t 0\t\t1") << QStringLiteral("bad exit status ' 0'");
    QTest::newRow("bad percent") << QByteArray("N%\t1\t%zz") << QStringLiteral("note: bad percent escape");
    QTest::newRow("lone percent") << QByteArray("N%\t1\ta%") << QStringLiteral("note: bad percent escape");
    QTest::newRow("v2 missing NUL") << raw("S0\t1\t1\t/\0ls")
                                    << QStringLiteral("expected 2 NUL-ended text fields, found 1");
    QTest::newRow("v2 bytes after text") << raw("N0\t1\tx\0y") << QStringLiteral("bytes after the last text field");
    QTest::newRow("v2 bad number") << QByteArray("E0\tx1\t1\t0\t\t1") << QStringLiteral("bad command number");
    QTest::newRow("v2 not an fc line") << raw("Sf\t1\t1\t/\0ls\n\0") << QStringLiteral("command: not a history line");
    QTest::newRow("empty id") << QByteArray("S\t\t1\t/\tls") << QStringLiteral("bad command id");
}

void TestSpoolRecord::rejectsMalformedLines()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, reason);
    QString error;
    QVERIFY(!capture::parseSpoolLine(line, &error));
    QCOMPARE(error, reason);
}

// Version 2 records end after their last NUL, whatever LFs their text holds; version 1
// lines at their LF; both can follow each other in one file (a hook upgraded mid-file).
void TestSpoolRecord::recordEnds()
{
    const QByteArray v1 = "S\tbash-1-2-1\t1\t/\tls\n";
    const QByteArray v2 = raw("S0\t2\t1\t/a\nb\0\nx\ny\n\0\n");
    const QByteArray end = "E0\t2\t2\t0\t0\t1\n";
    const QByteArray data = v1 + v2 + end;
    QCOMPARE(capture::spoolRecordEnd(data, 0, false), v1.size() - 1);
    QCOMPARE(capture::spoolRecordEnd(data, v1.size(), false), v1.size() + v2.size() - 1);
    QCOMPARE(capture::spoolRecordEnd(data, v1.size() + v2.size(), false), data.size() - 1);
    // Incomplete: still being written, unless the file is final (then up to its first LF).
    const QByteArray partial = v2.left(12);
    QCOMPARE(capture::spoolRecordEnd(partial, 0, false), -1);
    QCOMPARE(capture::spoolRecordEnd(partial, 0, true), 9);
    QCOMPARE(capture::spoolRecordEnd(v2.left(v2.size() - 1), 0, false), -1);
    // Broken: something other than LF after the last NUL; it ends at its first LF.
    const QByteArray broken = raw("N0\t1\tx\0y\nN0\t2\tz\0\n");
    QCOMPARE(capture::spoolRecordEnd(broken, 0, false), 8);
    QString error;
    const auto record = capture::parseSpoolLine(QByteArrayView(v2).first(v2.size() - 1), &error);
    QVERIFY2(record, qPrintable(error));
    QCOMPARE(record->text, QByteArray("\nx\ny\n"));
    QCOMPARE(capture::spoolCommandId(*record, "bash-1-2"), QByteArray("bash-1-2-2"));
}

void TestSpoolRecord::megabyteField()
{
    QByteArray command(1 << 20, 'a');
    for (int i = 0; i < command.size(); i += 1000)
        command[i] = static_cast<char>(i % 256);
    QByteArray escaped = command;
    escaped.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r");
    QString error;
    const auto record = capture::parseSpoolLine(QByteArray("S\tid\t1\t/\t" + escaped), &error);
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
    const auto parsed = capture::parseSpoolFileName(name);
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
