#include "capture/pty/OutputCapture.h"
#include "trailmark/v1/event.pb.h"

#include <QTest>

using namespace trailmark;

class TestOutputCapture final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void headTailAndTruncation_data();
    void headTailAndTruncation();
    void capFromEnvironment();
};

void TestOutputCapture::headTailAndTruncation_data()
{
    QTest::addColumn<qsizetype>("cap");
    QTest::addColumn<QList<QByteArray>>("chunks");
    QTest::addColumn<QByteArray>("head");
    QTest::addColumn<QByteArray>("tail");
    QTest::addColumn<bool>("truncated");
    QTest::addColumn<quint64>("total");
    QTest::newRow("empty") << qsizetype(4) << QList<QByteArray>() << QByteArray() << QByteArray() << false
                           << quint64(0);
    QTest::newRow("fits in head") << qsizetype(4) << QList<QByteArray>({"ab", "cd"}) << QByteArray("abcd")
                                  << QByteArray() << false << quint64(4);
    QTest::newRow("head and tail, nothing dropped") << qsizetype(4) << QList<QByteArray>({"abcdef"})
                                                    << QByteArray("abcd") << QByteArray("ef") << false << quint64(6);
    QTest::newRow("exactly two caps") << qsizetype(4) << QList<QByteArray>({"abc", "defgh"}) << QByteArray("abcd")
                                      << QByteArray("efgh") << false << quint64(8);
    QTest::newRow("middle dropped") << qsizetype(4) << QList<QByteArray>({"abcdefghij", "k", "lm"})
                                    << QByteArray("abcd") << QByteArray("jklm") << true << quint64(13);
    QTest::newRow("zsh PROMPT_SP after a full line") << qsizetype(100) << QList<QByteArray>({"two\n#     ", "   \r \r"})
                                                     << QByteArray("two\n") << QByteArray() << false << quint64(4);
    QTest::newRow("zsh PROMPT_SP after a partial line") << qsizetype(100) << QList<QByteArray>({"abc%      \r \r"})
                                                        << QByteArray("abc") << QByteArray() << false << quint64(3);
    QTest::newRow("partial last line kept") << qsizetype(100) << QList<QByteArray>({"a\nb", "c"}) << QByteArray("a\nbc")
                                            << QByteArray() << false << quint64(4);
    QTest::newRow("many small chunks") << qsizetype(3) << QList<QByteArray>(20, "x1") << QByteArray("x1x")
                                       << QByteArray("1x1") << true << quint64(40);
}

void TestOutputCapture::headTailAndTruncation()
{
    QFETCH(qsizetype, cap);
    QFETCH(QList<QByteArray>, chunks);
    QFETCH(QByteArray, head);
    QFETCH(QByteArray, tail);
    QFETCH(bool, truncated);
    QFETCH(quint64, total);
    capture::OutputCapture capture(cap);
    for (const QByteArray& chunk : chunks)
        capture.append(chunk);
    capture.finish();
    v1::CommandFinished finished;
    capture.fillInto(finished);
    QCOMPARE(QByteArray::fromStdString(finished.output_head()), head);
    QCOMPARE(QByteArray::fromStdString(finished.output_tail()), tail);
    QCOMPARE(finished.output_truncated(), truncated);
    QCOMPARE(finished.output_bytes(), total);
    QVERIFY(finished.output_captured());
}

void TestOutputCapture::capFromEnvironment()
{
    qputenv("TRAILMARK_OUTPUT_CAP", "100");
    QCOMPARE(capture::OutputCapture::capFromEnvironment(), 100);
    qputenv("TRAILMARK_OUTPUT_CAP", "nonsense");
    QCOMPARE(capture::OutputCapture::capFromEnvironment(), capture::OutputCapture::kDefaultCap);
    qunsetenv("TRAILMARK_OUTPUT_CAP");
    QCOMPARE(capture::OutputCapture::capFromEnvironment(), 64 * 1024);
}

QTEST_GUILESS_MAIN(TestOutputCapture)
#include "TestOutputCapture.moc"
