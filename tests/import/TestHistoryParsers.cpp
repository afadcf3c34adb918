#include "capture/import/BashHistoryParser.h"
#include "capture/import/ImportedCommand.h"
#include "capture/import/ZshHistoryParser.h"
#include "store/Utf8.h"

#include <QTest>

using namespace trailmark;

namespace {

// One parsed command as "line|start seconds|duration seconds|command" ("-" when unknown).
QByteArray describe(const capture::ImportedCommand& command)
{
    const auto seconds = [](qint64 ns) {
        return ns < 0 ? QByteArray("-") : QByteArray::number(ns / 1'000'000'000);
    };
    return QByteArray::number(command.line) + '|' + seconds(command.startNs) + '|' + seconds(command.durationNs) + '|' +
           command.command;
}

struct Parsed
{
    QByteArrayList commands;
    QList<qint64> problemLines;
    QStringList problems;
};

template <typename Parser> Parsed parseWith(const QByteArray& input)
{
    Parsed parsed;
    QString error;
    const bool complete = Parser::parse(
        input,
        [&](const capture::ImportedCommand& command, QString*) {
            parsed.commands.append(describe(command));
            return true;
        },
        [&](const capture::ImportProblem& problem) {
            parsed.problemLines.append(problem.line);
            parsed.problems.append(problem.message);
        },
        &error);
    if (!complete)
        qFatal("parser stopped although the visitor never did");
    return parsed;
}

} // namespace

class TestHistoryParsers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void zsh_data();
    void zsh();
    void bash_data();
    void bash();
    void stopsWhenTheVisitorSaysSo();
    void utf8_data();
    void utf8();
};

void TestHistoryParsers::zsh_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("commands");
    QTest::addColumn<QList<qint64>>("problemLines");

    QTest::newRow("extended") << QByteArray(": 1700000000:0;ls -la\n: 1700000003:12;make -j2\n")
                              << QByteArrayList{"1|1700000000|0|ls -la", "2|1700000003|12|make -j2"} << QList<qint64>{};
    QTest::newRow("no final newline") << QByteArray(": 1700000000:0;ls") << QByteArrayList{"1|1700000000|0|ls"}
                                      << QList<qint64>{};
    QTest::newRow("multi-line command")
        << QByteArray(": 1700000000:1;for f in *; do\\\n  echo \"$f\"\\\ndone\n: 1700000009:0;pwd\n")
        << QByteArrayList{"1|1700000000|1|for f in *; do\n  echo \"$f\"\ndone", "4|1700000009|0|pwd"}
        << QList<qint64>{};
    QTest::newRow("escaped backslash at end is not a continuation")
        << QByteArray(": 1700000000:0;echo a\\\\\n: 1700000001:0;echo b\n")
        << QByteArrayList{"1|1700000000|0|echo a\\\\", "2|1700000001|0|echo b"} << QList<qint64>{};
    QTest::newRow("semicolons and colons in command")
        << QByteArray(": 1700000000:0;a; b: c;d\n") << QByteArrayList{"1|1700000000|0|a; b: c;d"} << QList<qint64>{};
    // "ă" is C4 83: zsh writes the 0x83 byte metafied as 83 A3.
    QTest::newRow("metafied bytes") << QByteArray(": 1700000000:0;echo \xc4\x83\xa3 ok\n")
                                    << QByteArrayList{"1|1700000000|0|echo \xc4\x83 ok"} << QList<qint64>{};
    // Bytes in another encoding (Latin-1 "café") are kept as they are, as the hooks keep them.
    QTest::newRow("invalid UTF-8 kept byte for byte")
        << QByteArray(": 1700000000:0;ls\n: 1700000001:0;echo caf\xe9\n: 1700000002:0;pwd\n")
        << QByteArrayList{"1|1700000000|0|ls", "2|1700000001|0|echo caf\xe9", "3|1700000002|0|pwd"} << QList<qint64>{};
    QTest::newRow("garbage lines in an extended file")
        << QByteArray(": 1700000000:0;ls\nrandom junk\n: x:0;bad\n: 1700000002:0;pwd\n: 1700000003:5;\n")
        << QByteArrayList{"1|1700000000|0|ls", "4|1700000002|0|pwd"} << QList<qint64>{2, 3, 5};
    // Found by fuzz_history_parsers: seconds * 1e9 overflowed int64.
    QTest::newRow("time beyond int64 nanoseconds")
        << QByteArray(": 1700000000:0;ls\n: 17643354005:3;make\n: 1700000002:0;pwd\n: 1700000003:99999999999;x\n"
                      ": 1700000004:0;id\n")
        << QByteArrayList{"1|1700000000|0|ls", "3|1700000002|0|pwd", "5|1700000004|0|id"} << QList<qint64>{2, 4};
    QTest::newRow("plain history without timestamps")
        << QByteArray("ls\ncd /tmp\n: > empty.txt\n")
        << QByteArrayList{"1|-|-|ls", "2|-|-|cd /tmp", "3|-|-|: > empty.txt"} << QList<qint64>{};
    QTest::newRow("empty file") << QByteArray() << QByteArrayList{} << QList<qint64>{};
    QTest::newRow("blank lines ignored") << QByteArray("\n: 1700000000:0;ls\n\n") << QByteArrayList{"2|1700000000|0|ls"}
                                         << QList<qint64>{};
}

void TestHistoryParsers::zsh()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, commands);
    QFETCH(QList<qint64>, problemLines);
    const Parsed parsed = parseWith<capture::ZshHistoryParser>(input);
    QCOMPARE(parsed.commands, commands);
    QCOMPARE(parsed.problemLines, problemLines);
}

void TestHistoryParsers::bash_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("commands");
    QTest::addColumn<QList<qint64>>("problemLines");

    QTest::newRow("plain lines") << QByteArray("ls\ncd /tmp\n\ngit status\n")
                                 << QByteArrayList{"1|-|-|ls", "2|-|-|cd /tmp", "4|-|-|git status"} << QList<qint64>{};
    QTest::newRow("timestamps") << QByteArray("#1700000000\nls\n#1700000005\nmake\n")
                                << QByteArrayList{"2|1700000000|-|ls", "4|1700000005|-|make"} << QList<qint64>{};
    QTest::newRow("multi-line command (lithist)")
        << QByteArray("#1700000000\nfor i in 1 2; do\n  echo $i\ndone\n#1700000009\npwd\n")
        << QByteArrayList{"2|1700000000|-|for i in 1 2; do\n  echo $i\ndone", "6|1700000009|-|pwd"} << QList<qint64>{};
    QTest::newRow("untimed lines before the first timestamp")
        << QByteArray("old1\nold2\n#1700000000\nnew\n")
        << QByteArrayList{"1|-|-|old1", "2|-|-|old2", "4|1700000000|-|new"} << QList<qint64>{};
    QTest::newRow("comment command is not a timestamp")
        << QByteArray("#1700000000\n# just a note\n#1700000001\nls\n")
        << QByteArrayList{"2|1700000000|-|# just a note", "4|1700000001|-|ls"} << QList<qint64>{};
    QTest::newRow("timestamp without command") << QByteArray("#1700000000\n#1700000001\nls\n#1700000002\n")
                                               << QByteArrayList{"3|1700000001|-|ls"} << QList<qint64>{1, 4};
    QTest::newRow("bad timestamp") << QByteArray("#1700000000\nls\n#17x\n#1700000003\npwd\n")
                                   << QByteArrayList{"2|1700000000|-|ls", "5|1700000003|-|pwd"} << QList<qint64>{3};
    QTest::newRow("time beyond int64 nanoseconds")
        << QByteArray("#1700000000\nls\n#999999999999\n#1700000003\npwd\n")
        << QByteArrayList{"2|1700000000|-|ls", "5|1700000003|-|pwd"} << QList<qint64>{3};
    QTest::newRow("invalid UTF-8 kept byte for byte")
        << QByteArray("#1700000000\nls\n#1700000001\necho \xff\xfe\n#1700000002\npwd\n")
        << QByteArrayList{"2|1700000000|-|ls", "4|1700000001|-|echo \xff\xfe", "6|1700000002|-|pwd"} << QList<qint64>{};
    QTest::newRow("empty command after timestamp")
        << QByteArray("#1700000000\n\n#1700000001\nls\n") << QByteArrayList{"4|1700000001|-|ls"} << QList<qint64>{2};
}

void TestHistoryParsers::bash()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, commands);
    QFETCH(QList<qint64>, problemLines);
    const Parsed parsed = parseWith<capture::BashHistoryParser>(input);
    QCOMPARE(parsed.commands, commands);
    QCOMPARE(parsed.problemLines, problemLines);
}

void TestHistoryParsers::stopsWhenTheVisitorSaysSo()
{
    int seen = 0;
    QString error;
    const auto stopAtSecond = [&](const capture::ImportedCommand&, QString* why) {
        *why = QStringLiteral("disk full");
        return ++seen < 2;
    };
    QVERIFY(!capture::ZshHistoryParser::parse(
        ": 1:0;a\n: 2:0;b\n: 3:0;c\n", stopAtSecond, [](const capture::ImportProblem&) {}, &error));
    QCOMPARE(seen, 2);
    QCOMPARE(error, QStringLiteral("disk full"));
    seen = 0;
    QVERIFY(!capture::BashHistoryParser::parse(
        "a\nb\nc\n", stopAtSecond, [](const capture::ImportProblem&) {}, &error));
    QCOMPARE(seen, 2);
}

void TestHistoryParsers::utf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ascii") << QByteArray("plain ascii text, longer than eight bytes") << true;
    QTest::newRow("two-byte") << QByteArray("caf\xc3\xa9") << true;
    QTest::newRow("three-byte") << QByteArray("\xe2\x82\xac 5") << true;
    QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
    QTest::newRow("latin-1") << QByteArray("caf\xe9") << false;
    QTest::newRow("lone continuation") << QByteArray("a\x80") << false;
    QTest::newRow("truncated") << QByteArray("\xe2\x82") << false;
    QTest::newRow("overlong") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong 3") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("above max") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("invalid after ascii run") << QByteArray("0123456789abcdef\xff") << false;
}

void TestHistoryParsers::utf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(store::isValidUtf8(bytes.constData(), bytes.size()), valid);
}

QTEST_GUILESS_MAIN(TestHistoryParsers)
#include "TestHistoryParsers.moc"
