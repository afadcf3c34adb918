#include "store/Uuid.h"

#include <QSet>
#include <QTest>
#include <QUuid>

using namespace trailmark;

class TestUuid final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void carriesVersionVariantAndTime();
    void isStrictlyIncreasingWithinOneMillisecond();
    void staysOrderedWhenTheClockStepsBack();
    void textRoundTrip();
    void rejectsMalformedText_data();
    void rejectsMalformedText();
};

void TestUuid::carriesVersionVariantAndTime()
{
    store::UuidV7Generator generator;
    const qint64 ms = 1'767'225'600'123;
    const QByteArray id = generator.next(ms);
    QCOMPARE(id.size(), 16);
    QCOMPARE(static_cast<uchar>(id.at(6)) >> 4, 7); // version 7
    QCOMPARE(static_cast<uchar>(id.at(8)) >> 6, 2); // RFC 9562 variant 0b10
    QCOMPARE(store::uuid::unixMs(id), ms);
    const QString text = store::uuid::toText(id);
    QCOMPARE(text.size(), 36);
    QCOMPARE(text.at(14), QLatin1Char('7'));
}

void TestUuid::isStrictlyIncreasingWithinOneMillisecond()
{
    store::UuidV7Generator generator;
    QByteArray previous = generator.next(1000);
    QSet<QByteArray> seen{previous};
    // More ids than the 12-bit counter holds, all in the same millisecond.
    for (int i = 0; i < 10'000; ++i) {
        const QByteArray next = generator.next(1000);
        QVERIFY2(next > previous, qPrintable(store::uuid::toText(next)));
        QVERIFY(!seen.contains(next));
        seen.insert(next);
        previous = next;
    }
}

void TestUuid::staysOrderedWhenTheClockStepsBack()
{
    store::UuidV7Generator generator;
    const QByteArray later = generator.next(5000);
    const QByteArray afterStepBack = generator.next(4000);
    QVERIFY(afterStepBack > later);
}

void TestUuid::textRoundTrip()
{
    store::UuidV7Generator generator;
    const QByteArray id = generator.next(42);
    QCOMPARE(store::uuid::fromText(store::uuid::toText(id)), id);
    QCOMPARE(store::uuid::fromText(store::uuid::toText(id).toUpper()), id);
    // The text form is RFC 9562's, as QUuid writes it, for every byte value in every place.
    for (int fill = 0; fill < 256; fill += 17) {
        QByteArray raw(16, '\0');
        for (int i = 0; i < 16; ++i)
            raw[i] = static_cast<char>((fill + 31 * i) & 0xFF);
        const QString expected = QUuid::fromRfc4122(raw).toString(QUuid::WithoutBraces);
        QCOMPARE(store::uuid::toText(raw), expected);
        QCOMPARE(QString::fromStdString(store::uuid::toStdText(raw.constData())), expected);
    }
}

void TestUuid::rejectsMalformedText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("short") << QStringLiteral("0190a2b4-0000-7000-8000-00000000000");
    QTest::newRow("no dashes") << QStringLiteral("0190a2b4000070008000000000000000abcd");
    QTest::newRow("not hex") << QStringLiteral("0190a2b4-0000-7000-8000-00000000000g");
    QTest::newRow("non-ascii digit") << QStringLiteral("0190a2b4-0000-7000-8000-00000000000\u0663");
}

void TestUuid::rejectsMalformedText()
{
    QFETCH(QString, text);
    QVERIFY(store::uuid::fromText(text).isEmpty());
}

QTEST_GUILESS_MAIN(TestUuid)
#include "TestUuid.moc"
