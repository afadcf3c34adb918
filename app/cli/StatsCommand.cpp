#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/Vocabulary.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

int runStats(CommandContext& context)
{
    int status = 0;
    const auto listing = context.listSessions(
        QStringLiteral(
            "Dataset statistics: sessions by verdict, steps, errors, retries, recoveries, outcome "
            "corrections, ratings per reviewer, and agreement between reviewers on step ratings (Cohen's kappa)."),
        &status);
    if (!listing)
        return status;
    const auto* summaries = &listing->summaries;
    store::Store* store = listing->store.get();
    QString error;

    qint64 events = 0, steps = 0, errors = 0, retries = 0, recoveries = 0;
    // Steps whose outcome a reviewer corrected, and those where it differs from the derived.
    qint64 correctedSteps = 0, changedOutcomes = 0;
    QMap<QString, int> verdicts;
    QMap<QString, int> ratingsByReviewer;
    // reviewer -> (session/step -> that reviewer's latest rating)
    QMap<QString, QMap<QString, int>> ratings;
    for (const auto& summary : *summaries) {
        const QString sessionId = QString::fromStdString(summary.session.id());
        // One session's steps at a time: memory stays bounded by the largest session.
        const auto trajectory = chains::TrajectoryBuilder::load(*store, sessionId, {}, {}, &error);
        if (!trajectory)
            return context.fail(error);
        events += summary.eventCount;
        steps += static_cast<qint64>(trajectory->steps.size());
        errors += trajectory->errorCount();
        retries += trajectory->retryCount();
        recoveries += trajectory->recoveryCount();
        const QString verdict = store::vocabulary::verdictName(trajectory->verdict());
        ++verdicts[verdict.isEmpty() ? QStringLiteral("none") : verdict];
        for (const chains::Step& step : trajectory->steps) {
            correctedSteps += step.outcomeCorrectedBy.isEmpty() ? 0 : 1;
            changedOutcomes += step.derivedOutcome ? 1 : 0;
            for (const auto& annotation : step.annotations) {
                if (!annotation.has_rating())
                    continue;
                const QString reviewer = QString::fromStdString(annotation.reviewer());
                ratings[reviewer][QStringLiteral("%1/%2").arg(sessionId).arg(step.index)] = annotation.rating();
            }
        }
    }
    for (auto it = ratings.cbegin(); it != ratings.cend(); ++it)
        ratingsByReviewer[it.key()] = static_cast<int>(it->size());
    const auto agreement = chains::review::agreement(ratings);

    if (listing->json) {
        QJsonObject verdictObject;
        for (auto it = verdicts.cbegin(); it != verdicts.cend(); ++it)
            verdictObject.insert(it.key(), it.value());
        QJsonObject reviewerObject;
        for (auto it = ratingsByReviewer.cbegin(); it != ratingsByReviewer.cend(); ++it)
            reviewerObject.insert(it.key(), it.value());
        QJsonArray pairs;
        for (const auto& pair : agreement)
            pairs.append(
                QJsonObject{{QStringLiteral("reviewers"), QJsonArray{pair.first, pair.second}},
                            {QStringLiteral("shared_steps"), pair.sharedSteps},
                            {QStringLiteral("observed_agreement"), pair.observed},
                            {QStringLiteral("cohens_kappa"), pair.kappa ? QJsonValue(*pair.kappa) : QJsonValue()}});
        context.printJson(QJsonDocument(QJsonObject{
            {QStringLiteral("database"), store->path()},
            {QStringLiteral("sessions"), static_cast<qint64>(summaries->size())},
            {QStringLiteral("verdicts"), verdictObject},
            {QStringLiteral("events"), events},
            {QStringLiteral("steps"), steps},
            {QStringLiteral("errors"), errors},
            {QStringLiteral("retries"), retries},
            {QStringLiteral("recoveries"), recoveries},
            {QStringLiteral("outcome_corrections"),
             QJsonObject{{QStringLiteral("steps"), correctedSteps}, {QStringLiteral("changed"), changedOutcomes}}},
            {QStringLiteral("rated_steps_by_reviewer"), reviewerObject},
            {QStringLiteral("agreement"), pairs},
        }));
        return 0;
    }
    context.out << store->path() << '\n' << "  sessions    " << summaries->size() << " (";
    QStringList verdictParts;
    for (auto it = verdicts.cbegin(); it != verdicts.cend(); ++it)
        verdictParts.append(QStringLiteral("%1 %2").arg(it.value()).arg(it.key()));
    context.out << verdictParts.join(QStringLiteral(", ")) << ")\n"
                << "  events      " << events << '\n'
                << "  steps       " << steps << '\n'
                << "  errors      " << errors << '\n'
                << "  retries     " << retries << " (" << recoveries << " recovered)\n"
                << "  corrections " << correctedSteps << " outcomes corrected by reviewers (" << changedOutcomes
                << " changed)\n";
    for (auto it = ratingsByReviewer.cbegin(); it != ratingsByReviewer.cend(); ++it)
        context.out << "  rated by " << it.key() << ": " << it.value() << " steps\n";
    if (agreement.isEmpty())
        context.out << "  agreement   no two reviewers rated the same step\n";
    for (const auto& pair : agreement)
        context.out << "  agreement   " << pair.first << " / " << pair.second << ": " << pair.sharedSteps
                    << " shared steps, observed " << QString::number(pair.observed, 'f', 2) << ", Cohen's kappa "
                    << (pair.kappa ? QString::number(*pair.kappa, 'f', 3) : QStringLiteral("undefined")) << '\n';
    return 0;
}

} // namespace trailmark::cli
