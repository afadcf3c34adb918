#include "chains/Review.h"

#include <QTest>

using namespace trailmark::chains;

using StepRatings = QMap<QString, int>; // step key -> rating, one reviewer
using Ratings = QMap<QString, StepRatings>;

// Cohen's kappa between reviewers, against values worked out by hand:
// kappa = (po - pe) / (1 - pe), po the share of shared steps rated alike, pe the chance
// agreement: the sum over -1/0/+1 of the product of each reviewer's share of that rating.
class TestReviewAgreement final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kappa_data();
    void kappa();
    void pairsWithoutSharedStepsAreLeftOut();
    void everyPairInNameOrder();
};

namespace {

// Steps "s1".."sN" rated as listed.
StepRatings steps(std::initializer_list<int> ratings)
{
    StepRatings result;
    int index = 1;
    for (int rating : ratings)
        result.insert(QStringLiteral("s%1").arg(index++), rating);
    return result;
}

} // namespace

void TestReviewAgreement::kappa_data()
{
    QTest::addColumn<StepRatings>("first");
    QTest::addColumn<StepRatings>("second");
    QTest::addColumn<int>("shared");
    QTest::addColumn<double>("observed");
    QTest::addColumn<bool>("hasKappa");
    QTest::addColumn<double>("kappa");

    // po 1; pe = .5*.5 + .5*.5 = .5; kappa 1.
    QTest::newRow("perfect") << steps({1, -1, 1, -1}) << steps({1, -1, 1, -1}) << 4 << 1.0 << true << 1.0;
    // po 0; pe = .5*.5 + .5*.5 = .5; kappa (0 - .5) / .5 = -1.
    QTest::newRow("total disagreement") << steps({1, -1, 1, -1}) << steps({-1, 1, -1, 1}) << 4 << 0.0 << true << -1.0;
    // A: + + - -, B: + - + -: po .5; pe = .5*.5 + .5*.5 = .5; kappa 0.
    QTest::newRow("chance level") << steps({1, 1, -1, -1}) << steps({1, -1, 1, -1}) << 4 << 0.5 << true << 0.0;
    // A: + + + 0 0 -, B: + + 0 0 - -: po 4/6; A shares (+ 1/2, 0 1/3, - 1/6), B (1/3, 1/3,
    // 1/3); pe = 1/6 + 1/9 + 1/18 = 1/3; kappa (2/3 - 1/3) / (2/3) = .5.
    QTest::newRow("three categories") << steps({1, 1, 1, 0, 0, -1}) << steps({1, 1, 0, 0, -1, -1}) << 6 << 4.0 / 6
                                      << true << 0.5;
    // Both rate every step +1: pe = 1, so 1 - pe = 0 and kappa is undefined.
    QTest::newRow("1 - pe == 0") << steps({1, 1, 1}) << steps({1, 1, 1}) << 3 << 1.0 << false << 0.0;
    // Only steps both rated count: s3 is A's alone. A: + -, B: + -: kappa 1.
    QTest::newRow("only shared steps") << steps({1, -1, 0}) << steps({1, -1}) << 2 << 1.0 << true << 1.0;
    // Ratings beyond -1/+1 count as -1/+1 for the categories (not for "same").
    // A: 2 -1, B: 1 -1: po .5 (2 != 1); both (+ .5, - .5); pe .5; kappa 0.
    QTest::newRow("out-of-range ratings") << steps({2, -1}) << steps({1, -1}) << 2 << 0.5 << true << 0.0;
}

void TestReviewAgreement::kappa()
{
    QFETCH(StepRatings, first);
    QFETCH(StepRatings, second);
    QFETCH(int, shared);
    QFETCH(double, observed);
    QFETCH(bool, hasKappa);
    QFETCH(double, kappa);
    const auto result = review::agreement(Ratings{{QStringLiteral("ana"), first}, {QStringLiteral("ben"), second}});
    QCOMPARE(result.size(), 1);
    const review::Agreement& pair = result.at(0);
    QCOMPARE(pair.first, QStringLiteral("ana"));
    QCOMPARE(pair.second, QStringLiteral("ben"));
    QCOMPARE(pair.sharedSteps, shared);
    QVERIFY2(qAbs(pair.observed - observed) < 1e-9, qPrintable(QString::number(pair.observed)));
    QCOMPARE(pair.kappa.has_value(), hasKappa);
    if (hasKappa)
        QVERIFY2(qAbs(*pair.kappa - kappa) < 1e-9, qPrintable(QString::number(*pair.kappa)));
}

void TestReviewAgreement::pairsWithoutSharedStepsAreLeftOut()
{
    const Ratings ratings{{QStringLiteral("ana"), {{QStringLiteral("s1"), 1}, {QStringLiteral("s2"), -1}}},
                          {QStringLiteral("ben"), {{QStringLiteral("s3"), 1}}}};
    QVERIFY(review::agreement(ratings).isEmpty());
    QVERIFY(review::agreement({}).isEmpty());
    QVERIFY(review::agreement(Ratings{{QStringLiteral("ana"), steps({1})}}).isEmpty()); // one reviewer, no pair
}

void TestReviewAgreement::everyPairInNameOrder()
{
    // cid shares only s2 with each of the others.
    const Ratings ratings{{QStringLiteral("cid"), {{QStringLiteral("s2"), 1}, {QStringLiteral("s9"), 0}}},
                          {QStringLiteral("ana"), steps({1, -1})},
                          {QStringLiteral("ben"), steps({1, 1})}};
    const auto result = review::agreement(ratings);
    QCOMPARE(result.size(), 3);
    QCOMPARE(result.at(0).first + u'/' + result.at(0).second, QStringLiteral("ana/ben"));
    QCOMPARE(result.at(0).sharedSteps, 2);
    QCOMPARE(result.at(1).first + u'/' + result.at(1).second, QStringLiteral("ana/cid"));
    QCOMPARE(result.at(1).sharedSteps, 1); // s2: ana -1, cid +1
    QCOMPARE(result.at(1).observed, 0.0);
    QCOMPARE(result.at(2).first + u'/' + result.at(2).second, QStringLiteral("ben/cid"));
    QCOMPARE(result.at(2).observed, 1.0);
    QVERIFY(!result.at(2).kappa); // one shared step, both +1: pe = 1
}

QTEST_GUILESS_MAIN(TestReviewAgreement)
#include "TestReviewAgreement.moc"
