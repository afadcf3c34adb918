// The exports' streaming JSON writer and time formatter against Qt's own readers.
#include "chains/export/FormatWriter.h"
#include "chains/export/JsonWriter.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace trailmark::chains;

class TestJsonWriter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void isoTimeMatchesQt();
    void jsonStringsRoundTrip_data();
    void jsonStringsRoundTrip();
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

QTEST_GUILESS_MAIN(TestJsonWriter)
#include "TestJsonWriter.moc"
