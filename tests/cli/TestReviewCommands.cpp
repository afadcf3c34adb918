#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "store/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Run runTrailmark(const QString& database, const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), database} + arguments);
    process.waitForFinished(60'000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

} // namespace

class TestReviewCommands final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void kappaMatchesAWorkedExample();
    void kappaIsUndefinedWhenChanceAgreementIsTotal();
    void annotateStepsAndVerdictFromTheCommandLine();
    void annotateRefusesWhatMakesNoSense_data();
    void annotateRefusesWhatMakesNoSense();
    void statsReportsAgreementBetweenReviewers();
    void latestOutcomeCorrectionWinsEverywhere();
};

void TestReviewCommands::kappaMatchesAWorkedExample()
{
    // A: +1 +1 -1 0, B: +1 -1 -1 0 -> p_o = 3/4, p_e = (2*1 + 1*2 + 1*1)/16 = 5/16,
    // kappa = (3/4 - 5/16) / (1 - 5/16) = 7/11.
    QMap<QString, QMap<QString, int>> ratings;
    ratings[QStringLiteral("ada")] = {{QStringLiteral("s1"), 1},
                                      {QStringLiteral("s2"), 1},
                                      {QStringLiteral("s3"), -1},
                                      {QStringLiteral("s4"), 0},
                                      {QStringLiteral("s5"), 1}};
    ratings[QStringLiteral("bob")] = {
        {QStringLiteral("s1"), 1}, {QStringLiteral("s2"), -1}, {QStringLiteral("s3"), -1}, {QStringLiteral("s4"), 0}};
    const auto pairs = chains::review::agreement(ratings);
    QCOMPARE(pairs.size(), 1);
    QCOMPARE(pairs.first().sharedSteps, 4); // s5 was rated by ada only
    QCOMPARE(pairs.first().observed, 0.75);
    QVERIFY(pairs.first().kappa);
    QVERIFY(qAbs(*pairs.first().kappa - 7.0 / 11.0) < 1e-12);
}

void TestReviewCommands::kappaIsUndefinedWhenChanceAgreementIsTotal()
{
    QMap<QString, QMap<QString, int>> ratings;
    ratings[QStringLiteral("ada")] = {{QStringLiteral("s1"), 1}, {QStringLiteral("s2"), 1}};
    ratings[QStringLiteral("bob")] = {{QStringLiteral("s1"), 1}, {QStringLiteral("s2"), 1}};
    ratings[QStringLiteral("cy")] = {{QStringLiteral("x"), 0}};
    const auto pairs = chains::review::agreement(ratings);
    QCOMPARE(pairs.size(), 1); // cy shares no step with anyone
    QCOMPARE(pairs.first().observed, 1.0);
    QVERIFY(!pairs.first().kappa);
}

void TestReviewCommands::annotateStepsAndVerdictFromTheCommandLine()
{
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        sessionId = test::createMessySession(*store, QStringLiteral("fix the parser"), 1'767'225'600'000'000'000, false)
                        .sessionId;
    }
    // Step 2 is the failing pytest (see SessionScript).
    Run run = runTrailmark(
        database.path(), {QStringLiteral("annotate"), sessionId.left(13), QStringLiteral("--step"), QStringLiteral("2"),
                          QStringLiteral("--reviewer"), QStringLiteral("cli-rev"), QStringLiteral("--rating"),
                          QStringLiteral("-1"), QStringLiteral("--label"), QStringLiteral("misread-output"),
                          QStringLiteral("--label"), QStringLiteral("risky"), QStringLiteral("--rationale"),
                          QStringLiteral("ran the whole suite first"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject stored = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(stored.value(QStringLiteral("rating")).toInt(), -1);
    QCOMPARE(stored.value(QStringLiteral("labels")).toArray().size(), 2);

    run = runTrailmark(database.path(),
                       {QStringLiteral("annotate"), sessionId, QStringLiteral("--reviewer"), QStringLiteral("cli-rev"),
                        QStringLiteral("--verdict"), QStringLiteral("accepted")});
    QCOMPARE(run.exitCode, 0);

    // show --json carries both, on the right step, and the session is reviewed.
    run = runTrailmark(database.path(), {QStringLiteral("show"), sessionId, QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject show = QJsonDocument::fromJson(run.out).object();
    const QJsonArray steps = show.value(QStringLiteral("steps")).toArray();
    bool found = false;
    for (const auto& value : steps) {
        const QJsonObject step = value.toObject();
        for (const auto& annotation : step.value(QStringLiteral("annotations")).toArray()) {
            if (annotation.toObject().value(QStringLiteral("reviewer")).toString() == QLatin1String("cli-rev")) {
                QCOMPARE(step.value(QStringLiteral("index")).toInt(), 2);
                found = true;
            }
        }
    }
    QVERIFY2(found, run.out.left(2000).constData());
    auto store = database.open();
    QString error;
    QCOMPARE(store->session(sessionId, &error)->state(), v1::Session::STATE_REVIEWED);
}

void TestReviewCommands::annotateRefusesWhatMakesNoSense_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    QTest::newRow("no reviewer") << QStringList{QStringLiteral("--rationale"), QStringLiteral("x")} << 2
                                 << QStringLiteral("--reviewer");
    QTest::newRow("nothing to say") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r")} << 2
                                    << QStringLiteral("nothing to record");
    QTest::newRow("rating out of range") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                        QStringLiteral("--step"),     QStringLiteral("1"),
                                                        QStringLiteral("--rating"),   QStringLiteral("2")}
                                         << 2 << QStringLiteral("-1, 0 or 1");
    QTest::newRow("verdict on a step") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                      QStringLiteral("--step"),     QStringLiteral("1"),
                                                      QStringLiteral("--verdict"),  QStringLiteral("accepted")}
                                       << 2 << QStringLiteral("whole session");
    QTest::newRow("unknown verdict") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                    QStringLiteral("--verdict"), QStringLiteral("great")}
                                     << 2 << QStringLiteral("accepted, rejected or needs-work");
    QTest::newRow("unknown outcome") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                    QStringLiteral("--step"),     QStringLiteral("1"),
                                                    QStringLiteral("--outcome"),  QStringLiteral("fine")}
                                     << 2 << QStringLiteral("an outcome is one of ok, error, no-result");
    QTest::newRow("outcome of the session") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                           QStringLiteral("--outcome"), QStringLiteral("ok")}
                                            << 2 << QStringLiteral("--outcome corrects a step");
    QTest::newRow("no such step") << QStringList{QStringLiteral("--reviewer"), QStringLiteral("r"),
                                                 QStringLiteral("--step"),     QStringLiteral("999"),
                                                 QStringLiteral("--rating"),   QStringLiteral("1")}
                                  << 1 << QStringLiteral("there is no step 999");
}

void TestReviewCommands::annotateRefusesWhatMakesNoSense()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        sessionId = test::createMessySession(*store).sessionId;
    }
    const Run run = runTrailmark(database.path(), QStringList{QStringLiteral("annotate"), sessionId} + arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(QString::fromUtf8(run.err).contains(message), run.err.constData());
}

void TestReviewCommands::statsReportsAgreementBetweenReviewers()
{
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        sessionId = test::createMessySession(*store).sessionId; // rita rated two steps
    }
    // A second reviewer agrees on one of rita's steps and not on the other.
    QVERIFY(runTrailmark(database.path(), {QStringLiteral("annotate"), sessionId, QStringLiteral("--step"),
                                           QStringLiteral("7"), QStringLiteral("--reviewer"), QStringLiteral("sam"),
                                           QStringLiteral("--rating"), QStringLiteral("1")})
                .exitCode == 0);
    QVERIFY(runTrailmark(database.path(), {QStringLiteral("annotate"), sessionId, QStringLiteral("--step"),
                                           QStringLiteral("8"), QStringLiteral("--reviewer"), QStringLiteral("sam"),
                                           QStringLiteral("--rating"), QStringLiteral("0")})
                .exitCode == 0);
    const Run run = runTrailmark(database.path(), {QStringLiteral("stats"), QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject stats = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(stats.value(QStringLiteral("sessions")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("retries")).toInt(), 1);
    QCOMPARE(stats.value(QStringLiteral("verdicts")).toObject().value(QStringLiteral("accepted")).toInt(), 1);
    const QJsonArray agreement = stats.value(QStringLiteral("agreement")).toArray();
    QCOMPARE(agreement.size(), 1);
    const QJsonObject pair = agreement.first().toObject();
    QCOMPARE(pair.value(QStringLiteral("shared_steps")).toInt(), 2);
    QCOMPARE(pair.value(QStringLiteral("observed_agreement")).toDouble(), 0.5);
    // rita: +1, -1; sam: +1, 0 -> p_e = 1/4, kappa = (1/2 - 1/4) / (3/4) = 1/3.
    QVERIFY(qAbs(pair.value(QStringLiteral("cohens_kappa")).toDouble() - 1.0 / 3.0) < 1e-9);
}

void TestReviewCommands::latestOutcomeCorrectionWinsEverywhere()
{
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        sessionId = test::createMessySession(*store).sessionId;
    }
    const auto correct = [&](const QString& reviewer, const QString& outcome) {
        return runTrailmark(database.path(),
                            {QStringLiteral("annotate"), sessionId, QStringLiteral("--step"), QStringLiteral("2"),
                             QStringLiteral("--reviewer"), reviewer, QStringLiteral("--outcome"), outcome})
            .exitCode;
    };
    // Step 2 is the failing pytest; one reviewer calls it stopped, a later one no result.
    QCOMPARE(correct(QStringLiteral("ann"), QStringLiteral("stopped")), 0);
    QCOMPARE(correct(QStringLiteral("bob"), QStringLiteral("no-result")), 0);

    Run run = runTrailmark(database.path(), {QStringLiteral("show"), sessionId, QStringLiteral("--json")});
    QCOMPARE(run.exitCode, 0);
    const QJsonObject step =
        QJsonDocument::fromJson(run.out).object().value(QStringLiteral("steps")).toArray().at(2).toObject();
    QCOMPARE(step.value(QStringLiteral("outcome")).toString(), QStringLiteral("no-result"));
    QCOMPARE(step.value(QStringLiteral("derived_outcome")).toString(), QStringLiteral("error"));
    // No longer a failure, so the re-run is no retry of it.
    QVERIFY(step.value(QStringLiteral("retried_by")).isNull());

    run = runTrailmark(database.path(), {QStringLiteral("show"), sessionId});
    QVERIFY2(run.out.contains("no result [corrected by bob, derived error]"), run.out.constData());

    run = runTrailmark(database.path(), {QStringLiteral("stats"), QStringLiteral("--json")});
    const QJsonObject corrections =
        QJsonDocument::fromJson(run.out).object().value(QStringLiteral("outcome_corrections")).toObject();
    QCOMPARE(corrections.value(QStringLiteral("steps")).toInt(), 1);
    QCOMPARE(corrections.value(QStringLiteral("changed")).toInt(), 1);
    run = runTrailmark(database.path(), {QStringLiteral("stats")});
    QVERIFY2(run.out.contains("corrections 1 outcomes corrected by reviewers (1 changed)"), run.out.constData());

    // Exports read the same outcome.
    const QString exportDir = database.directory() + QStringLiteral("/export");
    run = runTrailmark(database.path(), {QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("all"),
                                         QStringLiteral("--out"), exportDir});
    QVERIFY2(run.exitCode == 0, run.err.constData());
    QFile chain(exportDir + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chain.open(QIODevice::ReadOnly));
    const QByteArray rows = chain.readAll();
    QVERIFY2(rows.contains(R"("outcome":"no-result")"), rows.left(2000).constData());
    QVERIFY(rows.contains(R"("derived_outcome":"error")"));
}

QTEST_GUILESS_MAIN(TestReviewCommands)
#include "TestReviewCommands.moc"
