#include "FidelityFixture.h"
#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/families/PresentingFacet.h"
#include "store/Store.h"

#include <QDir>
#include <QSet>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

namespace {

// Precision, recall and F1 of derived marks against a reviewer's.
struct Score
{
    int truePositives = 0;
    int falsePositives = 0;
    int falseNegatives = 0;

    double precision() const
    {
        const int marked = truePositives + falsePositives;
        return marked == 0 ? 1.0 : double(truePositives) / marked;
    }
    double recall() const
    {
        const int expected = truePositives + falseNegatives;
        return expected == 0 ? 1.0 : double(truePositives) / expected;
    }
    double f1() const
    {
        const double sum = precision() + recall();
        return sum == 0 ? 0.0 : 2 * precision() * recall() / sum;
    }
    QString text() const
    {
        return QStringLiteral("precision %1, recall %2, F1 %3 (%4 true, %5 false, %6 missed)")
            .arg(precision(), 0, 'f', 3)
            .arg(recall(), 0, 'f', 3)
            .arg(f1(), 0, 'f', 3)
            .arg(truePositives)
            .arg(falsePositives)
            .arg(falseNegatives);
    }
};

} // namespace

// Derives each labelled set of sessions through the real store and scores the error marks
// and retry links against the reviewer's labels. The second set was written from kinds of
// work the first lacks, before the rules were changed for it (issue 26): a floor on both
// keeps rules from being tuned to one set's cases. The third (held-out) was written by
// another labeller without reading the rules, and measured before they were changed.
class TestFidelity final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void marksAgreeWithTheReviewer_data();
    void marksAgreeWithTheReviewer();
};

void TestFidelity::marksAgreeWithTheReviewer_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<double>("errorFloor");
    QTest::addColumn<double>("retryFloor");
    QTest::newRow("first set") << QStringLiteral("fidelity") << 0.98 << 0.98;
    QTest::newRow("second set") << QStringLiteral("fidelity-second") << 0.98 << 0.98;
    // Not tuned on: its floors are its honest figures (0.977 and 0.903), below 0.98 by
    // a labelling disagreement (Ctrl-C on a build) and one-offs no rule should cover;
    // see fidelity-heldout/README.md.
    QTest::newRow("held-out set") << QStringLiteral("fidelity-heldout") << 0.97 << 0.90;
}

void TestFidelity::marksAgreeWithTheReviewer()
{
    QFETCH(QString, folder);
    QFETCH(double, errorFloor);
    QFETCH(double, retryFloor);
    test::TempDatabase database;
    const auto store = database.open();
    QVERIFY(store);
    const QDir directory(QStringLiteral(TRAILMARK_FIXTURES "/") + folder);
    const QStringList files = directory.entryList({QStringLiteral("*.session")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 5);

    Score errors;
    Score retries;
    int commands = 0;
    int outcomesAgreed = 0;
    QSet<QString> shells;
    for (const QString& file : files) {
        test::LabelledSession session;
        QString error;
        QVERIFY2(test::writeLabelledSession(*store, directory.filePath(file), &session, &error), qPrintable(error));
        const auto trajectory = TrajectoryBuilder::load(*store, session.sessionId, {}, {}, &error);
        QVERIFY2(trajectory, qPrintable(error));
        QHash<std::string, const Step*> stepOfEvent;
        for (const Step& step : trajectory->steps) {
            if (!step.eventIds.empty())
                stepOfEvent.insert(step.eventIds.front(), &step);
        }
        QHash<QString, int> stepOfName;
        QHash<int, const test::LabelledCommand*> labelOfStep;
        for (const test::LabelledCommand& command : std::as_const(session.commands)) {
            const Step* step = stepOfEvent.value(command.startedEventId.toStdString());
            QVERIFY2(step, qPrintable(QStringLiteral("%1:%2: no step").arg(file).arg(command.line)));
            labelOfStep.insert(step->index, &command);
            if (!command.name.isEmpty())
                stepOfName.insert(command.name, step->index);
        }
        for (const test::LabelledCommand& command : std::as_const(session.commands)) {
            const Step& step = *stepOfEvent.value(command.startedEventId.toStdString());
            ++commands;
            const QString derived = toString(step.outcome);
            outcomesAgreed += derived == command.expectedOutcome ? 1 : 0;
            const bool markedError = step.outcome == StepOutcome::Error;
            const bool expectedError = command.expectedOutcome == QLatin1String("error");
            errors.truePositives += markedError && expectedError ? 1 : 0;
            errors.falsePositives += markedError && !expectedError ? 1 : 0;
            errors.falseNegatives += !markedError && expectedError ? 1 : 0;
            if (derived != command.expectedOutcome)
                qInfo("%s:%d outcome %s, reviewer %s: %s (%s)", qPrintable(file), command.line, qPrintable(derived),
                      qPrintable(command.expectedOutcome), qPrintable(command.command),
                      qPrintable((step.errorReasons + QStringList{step.outcomeReason}).join(QStringLiteral("; "))));

            const int expectedRetryOf = command.retries.isEmpty() ? -1 : stepOfName.value(command.retries, -2);
            QVERIFY2(
                expectedRetryOf != -2,
                qPrintable(QStringLiteral("%1:%2: unknown id %3").arg(file).arg(command.line).arg(command.retries)));
            if (step.retryOf >= 0 && step.retryOf == expectedRetryOf)
                ++retries.truePositives;
            else {
                retries.falsePositives += step.retryOf >= 0 ? 1 : 0;
                retries.falseNegatives += expectedRetryOf >= 0 ? 1 : 0;
            }
            if (step.retryOf != expectedRetryOf) {
                const auto* linked = labelOfStep.value(step.retryOf);
                qInfo("%s:%d retry of %s, reviewer %s: %s", qPrintable(file), command.line,
                      qPrintable(linked ? QStringLiteral("line %1").arg(linked->line) : QStringLiteral("none")),
                      qPrintable(command.retries.isEmpty() ? QStringLiteral("none") : command.retries),
                      qPrintable(command.command));
            }
        }
        for (const Step& step : trajectory->steps) {
            if (step.tool() == "shell")
                shells.insert(chains::families::presenting(step).toolLabel(step));
        }
    }
    qInfo("fidelity (%s): %d labelled commands in %d sessions, shells %s", qPrintable(folder), commands,
          static_cast<int>(files.size()),
          qPrintable(QStringList(shells.begin(), shells.end()).join(QStringLiteral(", "))));
    qInfo("outcomes: %d of %d as the reviewer labelled them (%.1f%%)", outcomesAgreed, commands,
          100.0 * outcomesAgreed / commands);
    qInfo("error marks: %s", qPrintable(errors.text()));
    qInfo("retry links: %s", qPrintable(retries.text()));
    QVERIFY2(errors.f1() >= errorFloor, qPrintable(errors.text()));
    QVERIFY2(retries.f1() >= retryFloor, qPrintable(retries.text()));
}

QTEST_GUILESS_MAIN(TestFidelity)
#include "TestFidelity.moc"
