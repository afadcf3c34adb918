#include "capture/pty/TerminalStreamParser.h"

#include <QTest>

using namespace trailmark;

// Feeds the stream in every possible split (and byte by byte), since a pty hands
// sequences over in arbitrary pieces; the result must not depend on the split.
class TestTerminalStreamParser final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void skipsOverlongOsc();
};

namespace {

// Text as is, marks as «A», «C:id», «D:exit:id».
QByteArray run(const QList<QByteArray>& chunks)
{
    QByteArray out;
    capture::TerminalStreamParser parser([&out](QByteArrayView text) { out += text; },
                                         [&out](const capture::TerminalStreamParser::Mark& mark) {
                                             out += "«" + QByteArray(1, mark.kind);
                                             if (mark.kind == 'C')
                                                 out += ":" + mark.commandId;
                                             if (mark.kind == 'D')
                                                 out += ":" + QByteArray::number(mark.exitCode) + ":" + mark.commandId;
                                             out += "»";
                                         });
    for (const QByteArray& chunk : chunks)
        parser.feed(chunk);
    return out;
}

} // namespace

void TestTerminalStreamParser::parses_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("hello\r\nworld\n") << QByteArray("hello\nworld\n");
    QTest::newRow("lone CR kept") << QByteArray("50%\r100%\r\n") << QByteArray("50%\r100%\n");
    QTest::newRow("SGR colours") << QByteArray("\x1b[31mred\x1b[0m \x1b[1;38;5;208mbold\x1b[m\n")
                                 << QByteArray("red bold\n");
    QTest::newRow("cursor and erase") << QByteArray("a\x1b[2K\x1b[10;20Hb\x1b[?1049h\x1b[?25lc") << QByteArray("abc");
    QTest::newRow("charset and keypad") << QByteArray("\x1b(Bx\x1b)0y\x1b=\x1b>z\x1b"
                                                      "7w\x1b"
                                                      "8")
                                        << QByteArray("xyzw");
    QTest::newRow("controls dropped") << QByteArray("a\x07"
                                                    "b\x08"
                                                    "c\x7f\td\x00"
                                                    "e",
                                                    10)
                                      << QByteArray("abc\tde");
    QTest::newRow("title OSC BEL") << QByteArray("\x1b]0;my title\x07text") << QByteArray("text");
    QTest::newRow("hyperlink OSC ST") << QByteArray("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\") << QByteArray("link");
    QTest::newRow("DCS string") << QByteArray("a\x1bPq#0;2;0;0;0#1\x1b\\b") << QByteArray("ab");
    QTest::newRow("utf-8 and invalid bytes") << QByteArray("\xc3\xa9\xff\xfe\n") << QByteArray("\xc3\xa9\xff\xfe\n");
    QTest::newRow("marks") << QByteArray("\x1b]133;A\x07$ \x1b]133;B\x07\x1b]133;C;bash-1-2-7\x07out\r\n"
                                         "\x1b]133;D;3;bash-1-2-7\x07")
                           << QByteArray("«A»$ «B»«C:bash-1-2-7»out\n«D:3:bash-1-2-7»");
    QTest::newRow("marks with ST") << QByteArray("\x1b]133;C;id\x1b\\x\x1b]133;D;0;id\x1b\\")
                                   << QByteArray("«C:id»x«D:0:id»");
    QTest::newRow("standard D without id") << QByteArray("\x1b]133;D;130\x07") << QByteArray("«D:130:»");
    QTest::newRow("D without exit") << QByteArray("\x1b]133;D\x07") << QByteArray("«D:-1:»");
    QTest::newRow("other OSC 133 ignored") << QByteArray("\x1b]133;Z\x07\x1b]133;\x07x") << QByteArray("x");
    QTest::newRow("ESC ends OSC early") << QByteArray("\x1b]0;t\x1b[31mred") << QByteArray("red");
    QTest::newRow("CR before mark") << QByteArray("a\r\x1b]133;A\x07") << QByteArray("a\r«A»");
    QTest::newRow("CR at line start dropped") << QByteArray("\rx\n\r\ry") << QByteArray("x\ny");
}

void TestTerminalStreamParser::parses()
{
    QFETCH(QByteArray, stream);
    QFETCH(QByteArray, expected);
    QCOMPARE(run({stream}), expected);
    for (qsizetype split = 1; split < stream.size(); ++split)
        QCOMPARE(run({stream.left(split), stream.mid(split)}), expected);
    QList<QByteArray> bytes;
    for (char c : stream)
        bytes.append(QByteArray(1, c));
    QCOMPARE(run(bytes), expected);
}

void TestTerminalStreamParser::skipsOverlongOsc()
{
    const QByteArray payload(capture::TerminalStreamParser::kMaxOscPayload + 10, 'x');
    QCOMPARE(run({"\x1b]133;C;" + payload + "\x07" + "after"}), QByteArray("after"));
}

QTEST_GUILESS_MAIN(TestTerminalStreamParser)
#include "TestTerminalStreamParser.moc"
