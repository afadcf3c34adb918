#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/StepCount.h"
#include "chains/TrajectoryBuilder.h"
#include "store/Store.h"

#include <QTest>

using namespace trailmark;

// The session list counts steps from per-kind event counts in SQL; the counts must agree
// with the steps the trajectory builder derives from the same events.
class TestStepCount final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void countsEventsPerKindForManySessions();
    void agreesWithTheTrajectory();
    void sessionWithoutEventsHasNoSteps();

private:
    test::TempDatabase m_database;
    std::unique_ptr<store::Store> m_store;
};

void TestStepCount::init()
{
    m_store = m_database.open();
    QVERIFY(m_store);
}

void TestStepCount::countsEventsPerKindForManySessions()
{
    const QString first = test::createSession(*m_store, QStringLiteral("first"));
    const QString second = test::createSession(*m_store, QStringLiteral("second"));
    {
        test::SessionScript script(*m_store, first);
        script.command("make", 0);
        script.command("make test", 2);
        script.note(QStringLiteral("tests fail"));
        QVERIFY(script.flush());
    }
    {
        test::SessionScript script(*m_store, second);
        script.appSwitch(QStringLiteral("firefox"), QStringLiteral("docs"));
        script.titleChange(QStringLiteral("more docs"));
        QVERIFY(script.flush());
    }
    QString error;
    const auto counts = m_store->eventKindCounts({first, second}, &error);
    QVERIFY2(counts, qPrintable(error));
    QCOMPARE(counts->size(), 2);
    const store::EventKindCounts& firstKinds = counts->value(first);
    QCOMPARE(firstKinds.value(v1::Event::kCommandStarted), 2);
    QCOMPARE(firstKinds.value(v1::Event::kCommandFinished), 2);
    QCOMPARE(firstKinds.value(v1::Event::kNote), 1);
    QVERIFY(!firstKinds.contains(v1::Event::kAppSwitch));
    const store::EventKindCounts& secondKinds = counts->value(second);
    QCOMPARE(secondKinds.value(v1::Event::kAppSwitch), 1);
    QCOMPARE(secondKinds.value(v1::Event::kTitleChange), 1);
    QCOMPARE(chains::stepCount(firstKinds), 3);
    QCOMPARE(chains::stepCount(secondKinds), 1);
}

void TestStepCount::agreesWithTheTrajectory()
{
    const auto messy = test::createMessySession(*m_store);
    QString error;
    const auto counts = m_store->eventKindCounts({messy.sessionId}, &error);
    QVERIFY2(counts, qPrintable(error));
    const auto trajectory = chains::TrajectoryBuilder::load(*m_store, messy.sessionId, {}, nullptr, &error);
    QVERIFY2(trajectory, qPrintable(error));
    QVERIFY(!trajectory->steps.empty());
    QCOMPARE(chains::stepCount(counts->value(messy.sessionId)), static_cast<qint64>(trajectory->steps.size()));
}

void TestStepCount::sessionWithoutEventsHasNoSteps()
{
    const QString empty = test::createSession(*m_store, QStringLiteral("nothing yet"));
    QString error;
    const auto counts = m_store->eventKindCounts({empty}, &error);
    QVERIFY2(counts, qPrintable(error));
    QVERIFY(counts->contains(empty));
    QCOMPARE(chains::stepCount(counts->value(empty)), 0);
}

QTEST_GUILESS_MAIN(TestStepCount)
#include "TestStepCount.moc"
