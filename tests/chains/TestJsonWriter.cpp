// The exports' streaming JSON writer and time formatter against Qt's own readers.
#include "chains/export/FormatWriter.h"
#include "chains/export/JsonWriter.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <string>
#include <vector>

using namespace trailmark::chains;

class TestJsonWriter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isoTimeMatchesQt();
    void jsonStringsRoundTrip_data();
    void jsonStringsRoundTrip();
    void longDocumentsRoundTrip();
    void outHoldsTheDocumentOnceComplete();
};

void TestJsonWriter::isoTimeMatchesQt()
{
    // Our fast formatter against QDateTime, across leap days, centuries and before 1970.
    const qint64 samples[] = {0,
                              1'767'225'601'002'999'999,
                              951'782'400'000'000'000,   // 2000-02-29
                              4'107'542'399'999'000'000, // 2100-02-28T23:59:59.999
                              -1'000'000,                // 1969-12-31T23:59:59.999
                              -2'208'988'800'000'000'000};
    for (const qint64 ns : samples) {
        qint64 ms = ns / 1'000'000;
        if (ns < 0 && ms * 1'000'000 != ns)
            --ms;
        QCOMPARE(exportutil::isoTime(ns), QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs));
    }
    for (qint64 day = -100'000; day < 100'000; day += 97) { // int64 ns spans ±292 years
        const qint64 ns = day * 86'400'000'000'000 + 45'296'789'000'000;
        QCOMPARE(exportutil::isoTime(ns),
                 QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, Qt::UTC).toString(Qt::ISODateWithMs));
    }
}

void TestJsonWriter::jsonStringsRoundTrip_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected"); // as a JSON parser reads our output back
    QTest::newRow("plain") << QByteArray("make -j4") << QStringLiteral("make -j4");
    QTest::newRow("quotes and backslashes past 8 bytes")
        << QByteArray(R"(echo "a\b" && printf '%s\n' "x")") << QStringLiteral(R"(echo "a\b" && printf '%s\n' "x")");
    QTest::newRow("control characters") << QByteArray("a\x01b\tc\nd\re\x1f") << QStringLiteral("a\x01b\tc\nd\re\x1f");
    QTest::newRow("multi-byte UTF-8") << QByteArray("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 long tail")
                                      << QStringLiteral("café € 😀 long tail");
    QTest::newRow("invalid UTF-8 becomes U+FFFD") << QByteArray("caf\xe9 \"x\"") << QStringLiteral("caf\ufffd \"x\"");
    QTest::newRow("truncated sequence at the end")
        << QByteArray("abcdefgh\xe2\x82") << QStringLiteral("abcdefgh\ufffd\ufffd"); // Qt replaces byte by byte
    QTest::newRow("surrogate encoded") << QByteArray("\xed\xa0\x80") << QStringLiteral("\ufffd\ufffd\ufffd");
}

void TestJsonWriter::jsonStringsRoundTrip()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("v", std::string_view(bytes.constData(), static_cast<size_t>(bytes.size()))).endObject();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray::fromStdString(out), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, out.c_str());
    QCOMPARE(document.object().value(QStringLiteral("v")).toString(), expected);
}

namespace {

// Random bytes of the kinds command output holds: plain text, newlines and tabs, other
// control characters, quotes and backslashes, multi-byte UTF-8, and bytes that are not
// UTF-8 (a binary file catted, a Latin-1 log).
std::string randomText(QRandomGenerator& random, size_t length)
{
    static const char* const pieces[] = {"make: *** [all] Error 2",
                                         "\n",
                                         "\t",
                                         "\x01",
                                         "\x1f",
                                         "\"",
                                         "\\",
                                         "caf\xc3\xa9",
                                         "\xe2\x82\xac",
                                         "\xf0\x9f\x98\x80",
                                         "\xe9",
                                         "\xff\xfe",
                                         "\xe2\x82",
                                         " ",
                                         "abcdefghijklmnop"};
    std::string text;
    while (text.size() < length)
        text += pieces[random.bounded(static_cast<int>(std::size(pieces)))];
    text.resize(length); // may cut a sequence in two: that is bad UTF-8 too
    return text;
}

} // namespace

void TestJsonWriter::longDocumentsRoundTrip()
{
    // Strings of every length around the writer's buffer (8 KiB) and the point where long
    // text bypasses it, at every fill level of the buffer, read back by Qt's parser as
    // the bytes they were (bad UTF-8 as U+FFFD, as QString::fromUtf8 reads it).
    const size_t lengths[] = {0, 1, 7, 8, 15, 16, 17, 100, 4095, 4096, 4097, 8191, 8192, 8193, 20000, 70000};
    for (const quint32 seed : {1u, 2u, 3u}) {
        QRandomGenerator random(seed);
        std::vector<std::string> texts;
        for (int i = 0; i < 200; ++i) {
            const size_t length = i < static_cast<int>(std::size(lengths))
                                      ? lengths[i]
                                      : static_cast<size_t>(random.bounded(i % 3 == 0 ? 12000 : 300));
            texts.push_back(randomText(random, length));
        }
        std::string out = "prefix already in out;";
        {
            JsonWriter json(out);
            json.beginObject();
            for (size_t i = 0; i < texts.size(); ++i) {
                json.field("n" + std::to_string(i), static_cast<qint64>(i) * 1'000'000'007);
                json.field("t" + std::to_string(i), texts[i]);
                json.bytesWithBase64("b" + std::to_string(i), texts[i], true);
                json.key("a" + std::to_string(i)).beginArray().value(texts[i]).null().value(i % 2 == 0).endArray();
            }
            json.endObject();
        }
        QVERIFY(out.rfind("prefix already in out;", 0) == 0);
        const QByteArray document = QByteArray::fromStdString(out.substr(std::strlen("prefix already in out;")));
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(document, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
        QCOMPARE(object.size(), static_cast<qsizetype>(texts.size() * 5));
        for (size_t i = 0; i < texts.size(); ++i) {
            const QString expected = QString::fromUtf8(texts[i].data(), static_cast<qsizetype>(texts[i].size()));
            const QString n = QString::number(i);
            QCOMPARE(object.value(QLatin1Char('n') + n).toInteger(), static_cast<qint64>(i) * 1'000'000'007);
            QCOMPARE(object.value(QLatin1Char('t') + n).toString(), expected);
            QCOMPARE(object.value(QLatin1Char('b') + n).toString(), expected);
            const QJsonValue base64 = object.value(QLatin1Char('b') + n + QStringLiteral("_base64"));
            if (expected.toUtf8() == QByteArray::fromStdString(texts[i]))
                QVERIFY(base64.isNull());
            else
                QCOMPARE(QByteArray::fromBase64(base64.toString().toLatin1()), QByteArray::fromStdString(texts[i]));
            const QJsonArray array = object.value(QLatin1Char('a') + n).toArray();
            QCOMPARE(array.size(), 3);
            QCOMPARE(array.at(0).toString(), expected);
            QVERIFY(array.at(1).isNull());
            QCOMPARE(array.at(2).toBool(), i % 2 == 0);
        }
    }
}

void TestJsonWriter::outHoldsTheDocumentOnceComplete()
{
    // What callers rely on: out has the document once its outermost item is complete
    // (writers append a newline and hand the row on while the writer still lives), and
    // whatever was written once flush() returns (a long row handed on in pieces).
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("command", "make -j4").key("exit").value(2);
    json.flush();
    QCOMPARE(out, std::string(R"({"command":"make -j4","exit":2)"));
    json.endObject();
    QCOMPARE(out, std::string(R"({"command":"make -j4","exit":2})"));
    json.beginArray().value("a").endArray();
    QCOMPARE(out, std::string(R"({"command":"make -j4","exit":2}["a"])"));
    std::string scalar;
    JsonWriter(scalar).value(std::string_view("x\ny"));
    QCOMPARE(scalar, std::string(R"("x\ny")"));
}

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "TestJsonWriter.moc"
