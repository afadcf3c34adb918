// Outlined sessions against whole ones: a session outlined (TrajectoryBuilder with
// Keep::Outline) and its steps derived again a page at a time (materializeSteps) must
// be exactly the steps the whole derivation makes, field by field, for sessions of
// every family: commands whose files arrive after they finished, a server that runs all
// along, app switches with titles, GUI actions answered by dialogs and retried,
// screenshots before the first step, notes that become thoughts and a closing note,
// reviewers' ratings, rationales, outcome corrections and redactions.

#include "FidelityFixture.h"
#include "MixedSession.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/StepMaterializer.h"
#include "chains/StepOutline.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/TrajectoryJson.h"
#include "chains/export/Exporter.h"
#include "chains/families/EventFamily.h"
#include "store/Store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

using test::annotate;
using test::writeMixedSession;

namespace {

// The session as the Review tab outlines it.
chains::TrajectoryOutline outlineSession(store::Store& store, const QString& sessionId)
{
    QString error;
    auto session = store.session(sessionId, &error);
    const auto annotations = store.annotations(sessionId, &error);
    if (!session || !annotations) {
        qWarning("cannot read session %s: %s", qPrintable(sessionId), qPrintable(error));
        return {};
    }
    chains::TrajectoryBuilder builder(*session, *annotations, {}, chains::TrajectoryBuilder::Keep::Outline);
    if (!store.readEvents(
            sessionId, 0, -1,
            [&builder](const store::StoredEvent& stored) {
                builder.add(stored);
                return true;
            },
            &error))
        qWarning("cannot read events of %s: %s", qPrintable(sessionId), qPrintable(error));
    return builder.finishOutline();
}

QByteArray json(const chains::Step& step)
{
    QJsonObject object = chains::stepToJson(step);
    QStringList effects;
    if (step.effectsFamily)
        effects = step.effectsFamily->effectLines(step);
    object.insert(QStringLiteral("effects"), QJsonArray::fromStringList(effects));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestStepOutline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void outlinedStepsAreTheWholeSteps_data();
    void outlinedStepsAreTheWholeSteps();
    void fidelitySessionsOutlineAlike();
    void outlinedExportIsTheWholeExport();
    void stepsOutOfRangeAreRefused();
    void aChangedFileIsNamed();

private:
    // Outlines the session, derives its steps again page by page, and compares every
    // step with the whole derivation.
    void compareWithWhole(const QString& sessionId);

    QTemporaryDir m_directory;
    std::unique_ptr<store::Store> m_store;
};

void TestStepOutline::init()
{
    // For a look at the databases by hand: TRAILMARK_TEST_KEEP=1 keeps them.
    if (qEnvironmentVariableIsSet("TRAILMARK_TEST_KEEP")) {
        m_directory.setAutoRemove(false);
        qInfo("databases kept in %s", qPrintable(m_directory.path()));
    }
    QString error;
    m_store = store::Store::open(
        m_directory.filePath(QStringLiteral("outline-%1.db").arg(QLatin1String(QTest::currentTestFunction()))),
        store::Store::Access::ReadWrite, &error);
    QVERIFY2(m_store, qPrintable(error));
}

void TestStepOutline::compareWithWhole(const QString& sessionId)
{
    QString error;
    const auto whole = chains::TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY2(whole, qPrintable(error));

    const chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);

    QCOMPARE(outline.steps.size(), whole->steps.size());
    QCOMPARE(outline.closingNotes, whole->closingNotes);
    QCOMPARE(outline.unreadable.size(), whole->unreadable.size());
    QStringList wholeLanes;
    for (const chains::Step& step : whole->steps) {
        const chains::StepOutline& known = outline.steps[static_cast<size_t>(step.index)];
        const chains::StepOutline expected = chains::outlineOf(step);
        QCOMPARE(known.index, expected.index);
        QCOMPARE(known.family, expected.family);
        QCOMPARE(known.firstSeq, expected.firstSeq);
        QCOMPARE(known.startNs, expected.startNs);
        QCOMPARE(known.endNs, expected.endNs);
        QCOMPARE(known.durationNs, expected.durationNs);
        QCOMPARE(static_cast<int>(known.outcome), static_cast<int>(expected.outcome));
        QCOMPARE(known.derivedOutcome.has_value(), expected.derivedOutcome.has_value());
        QCOMPARE(known.attempt, expected.attempt);
        QCOMPARE(known.retryOf, expected.retryOf);
        QCOMPARE(known.retriedBy, expected.retriedBy);
        QCOMPARE(known.recovers, expected.recovers);
        QCOMPARE(known.changesFiles, expected.changesFiles);
        QCOMPARE(known.isAction, expected.isAction);
        QCOMPARE(known.hasThought, expected.hasThought);
        const chains::TimelineLane lane = step.family->lane(step);
        if (!wholeLanes.contains(lane.key))
            wholeLanes.append(lane.key);
        QCOMPARE(outline.laneKeys.at(known.lane), lane.key);
    }
    // Lanes in the order steps first use them, as the timeline has always shown them.
    QCOMPARE(outline.laneKeys, wholeLanes);

    // Pages of several sizes, from anywhere: each step alike in every field.
    const int total = static_cast<int>(whole->steps.size());
    for (const int pageSize : {1, 7, 64, total}) {
        for (int first = 0; first < total; first += pageSize) {
            const int count = std::min(pageSize, total - first);
            const auto steps = chains::materializeSteps(*m_store, outline, first, count, &error);
            QVERIFY2(steps, qPrintable(error));
            QCOMPARE(static_cast<int>(steps->size()), count);
            for (int i = 0; i < count; ++i) {
                const chains::Step& again = (*steps)[static_cast<size_t>(i)];
                const chains::Step& expected = whole->steps[static_cast<size_t>(first + i)];
                QCOMPARE(json(again), json(expected));
                QCOMPARE(again.fixSteps, expected.fixSteps);
                QCOMPARE(again.annotations.size(), expected.annotations.size());
            }
            if (pageSize == 1 && first > 40)
                first += 13; // single steps: a sample is enough
        }
    }
}

void TestStepOutline::outlinedStepsAreTheWholeSteps_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("rounds");
    QTest::addColumn<bool>("reviewed");
    QTest::newRow("short, unreviewed") << 7u << 12 << false;
    QTest::newRow("long, unreviewed") << 11u << 400 << false;
    QTest::newRow("long, reviewed") << 23u << 400 << true;
    QTest::newRow("another order, reviewed") << 1234u << 250 << true;
}

void TestStepOutline::outlinedStepsAreTheWholeSteps()
{
    QFETCH(quint32, seed);
    QFETCH(int, rounds);
    QFETCH(bool, reviewed);
    const QString sessionId = test::createSession(*m_store, QStringLiteral("round the report's totals"));
    writeMixedSession(*m_store, sessionId, seed, rounds);
    if (QTest::currentTestFailed())
        return;
    if (reviewed)
        annotate(*m_store, sessionId);
    if (QTest::currentTestFailed())
        return;
    // The session must hold what the comparison is about.
    QString error;
    const auto whole = chains::TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY(whole);
    if (rounds >= 250) {
        QVERIFY(whole->retryCount() > 5);
        QVERIFY(whole->recoveryCount() > 2);
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return !step.fixSteps.empty(); }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.effects != nullptr; }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.thoughtSource == QLatin1String("note"); }));
        QVERIFY(!whole->closingNotes.isEmpty());
        QVERIFY(whole->steps.front().screenshots.size() >= 2);
    }
    if (reviewed) {
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.derivedOutcome.has_value(); }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.thoughtSource == QLatin1String("reviewer"); }));
    }
    compareWithWhole(sessionId);
}

void TestStepOutline::fidelitySessionsOutlineAlike()
{
    const QDir fixtures(QStringLiteral(TRAILMARK_FIXTURES "/fidelity"));
    const QStringList files = fixtures.entryList({QStringLiteral("*.session")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 3);
    for (const QString& file : files) {
        test::LabelledSession session;
        QString error;
        QVERIFY2(test::writeLabelledSession(*m_store, fixtures.filePath(file), &session, &error), qPrintable(error));
        compareWithWhole(session.sessionId);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(file));
    }
    const test::MessySession messy = test::createMessySession(*m_store);
    compareWithWhole(messy.sessionId);
}

void TestStepOutline::outlinedExportIsTheWholeExport()
{
    // Sessions long enough to be exported from their outline give the very files a
    // whole derivation gives, in every format. The last one spans several of the pages a
    // writer's steps are derived again in (512 steps): ShareGPT holds an action across
    // pages until the next action is known.
    for (const auto& [seed, rounds] : {std::pair{31u, 300}, std::pair{47u, 300}, std::pair{59u, 1400}}) {
        const QString sessionId = test::createSession(*m_store, QStringLiteral("round the report's totals"));
        writeMixedSession(*m_store, sessionId, seed, rounds);
        annotate(*m_store, sessionId);
        if (rounds > 1000)
            QVERIFY(outlineSession(*m_store, sessionId).steps.size() > 3 * 512);
    }
    test::createMessySession(*m_store);
    QVERIFY(!QTest::currentTestFailed());
    const auto exportWith = [this](const QByteArray& outlineAbove, const QString& name) {
        qputenv("TRAILMARK_EXPORT_OUTLINE_ABOVE", outlineAbove);
        chains::ExportOptions options;
        options.formats = chains::knownFormats();
        options.outDir = m_directory.filePath(name);
        QString error;
        const auto stats = chains::Exporter::run(*m_store, options, &error);
        qunsetenv("TRAILMARK_EXPORT_OUTLINE_ABOVE");
        if (!stats)
            qWarning("export failed: %s", qPrintable(error));
        return stats ? test::filesUnder(options.outDir) : QMap<QString, QByteArray>();
    };
    const QMap<QString, QByteArray> whole = exportWith("100000000", QStringLiteral("whole"));
    const QMap<QString, QByteArray> outlined = exportWith("0", QStringLiteral("outlined"));
    QVERIFY(whole.size() > 10);
    QCOMPARE(outlined.keys(), whole.keys());
    for (auto it = whole.cbegin(); it != whole.cend(); ++it)
        QVERIFY2(outlined.value(it.key()) == it.value(), qPrintable(it.key()));
}

void TestStepOutline::stepsOutOfRangeAreRefused()
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("short"));
    writeMixedSession(*m_store, sessionId, 3, 5);
    QString error;
    const chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);
    const int total = static_cast<int>(outline.steps.size());
    QVERIFY(!chains::materializeSteps(*m_store, outline, total - 1, 2, &error));
    QVERIFY2(error.contains(QString::number(total)), qPrintable(error));
    QVERIFY(!chains::materializeSteps(*m_store, outline, -1, 1, &error));
    QVERIFY(chains::materializeSteps(*m_store, outline, total, 0, &error));
}

void TestStepOutline::aChangedFileIsNamed()
{
    // The file under an open session loses its events (another program deleted the
    // session and wrote a new one): deriving a step again says so, and which.
    const QString sessionId = test::createSession(*m_store, QStringLiteral("short"));
    writeMixedSession(*m_store, sessionId, 5, 20);
    QString error;
    chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);
    QVERIFY(outline.steps.size() > 3);
    // A seq the session does not have.
    outline.eventSeqs[outline.eventOffsets[2]] = 1'000'000;
    QVERIFY(!chains::materializeSteps(*m_store, outline, 0, 4, &error));
    QVERIFY2(error.contains(QLatin1String("1000000")) && error.contains(sessionId), qPrintable(error));
    // Steps before it still come.
    QVERIFY2(chains::materializeSteps(*m_store, outline, 0, 2, &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestStepOutline)
#include "TestStepOutline.moc"
