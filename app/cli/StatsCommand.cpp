#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/Vocabulary.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {
namespace {

QJsonValue optionalNumber(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

QString optionalText(const std::optional<double>& value)
{
    return value ? QString::number(*value, 'f', 3) : QStringLiteral("undefined");
}

// Agreement across the team's reviewers, from the annotations on the team store that
// the caller's role may see.
int runTeamStats(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Agreement across the team's reviewers: verdicts per session and ratings per step, as "
                       "pairwise agreement and Krippendorff's alpha (nominal)."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("team"), QStringLiteral("Read the team store ($TRAILMARK_TEAM or Settings).")});
    parser.addOption({QStringLiteral("team-url"), QStringLiteral("The team store's libpq connection string."),
                      QStringLiteral("CONNINFO")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.process(context.arguments);
    if (const int status = context.refusePositionalArguments(parser))
        return status;
    QString error;
    auto team =
        team::TeamStore::connect(team::TeamStore::connectionString(parser.value(QStringLiteral("team-url"))), &error);
    if (!team)
        return context.fail(error);
    const auto agreement = team->agreement(&error);
    if (!agreement)
        return context.fail(error);
    if (parser.isSet(QStringLiteral("json"))) {
        context.printJson(QJsonDocument(QJsonObject{
            {QStringLiteral("team"), team->connection().where()},
            {QStringLiteral("reviewers"), QJsonArray::fromStringList(agreement->reviewers)},
            {QStringLiteral("sessions_reviewed"), agreement->sessionsReviewed},
            {QStringLiteral("sessions_with_several_verdicts"), agreement->sessionsWithSeveralVerdicts},
            {QStringLiteral("damaged_annotations"), agreement->damagedAnnotations},
            {QStringLiteral("verdicts"),
             QJsonObject{{QStringLiteral("pairs"), agreement->verdictPairs},
                         {QStringLiteral("pair_agreement"), agreement->verdictPairAgreement},
                         {QStringLiteral("krippendorff_alpha"), optionalNumber(agreement->verdictAlpha)}}},
            {QStringLiteral("step_ratings"),
             QJsonObject{{QStringLiteral("pairs"), agreement->ratingPairs},
                         {QStringLiteral("pair_agreement"), agreement->ratingPairAgreement},
                         {QStringLiteral("krippendorff_alpha"), optionalNumber(agreement->ratingAlpha)}}},
        }));
        return 0;
    }
    context.out << team->connection().where() << '\n'
                << "  reviewers   " << agreement->reviewers.join(QStringLiteral(", ")) << '\n'
                << "  reviewed    " << agreement->sessionsReviewed << " session(s), "
                << agreement->sessionsWithSeveralVerdicts << " with verdicts from two reviewers or more\n"
                << "  verdicts    " << agreement->verdictPairs << " pairs, "
                << QString::number(agreement->verdictPairAgreement, 'f', 2) << " agree, Krippendorff's alpha "
                << optionalText(agreement->verdictAlpha) << '\n'
                << "  ratings     " << agreement->ratingPairs << " pairs, "
                << QString::number(agreement->ratingPairAgreement, 'f', 2) << " agree, Krippendorff's alpha "
                << optionalText(agreement->ratingAlpha) << '\n';
    if (agreement->damagedAnnotations > 0)
        context.out << "  left out   " << agreement->damagedAnnotations << " annotation(s) that do not decode\n";
    return 0;
}

} // namespace

int runStats(CommandContext& context)
{
    for (const QString& argument : context.arguments) {
        if (argument == QLatin1String("--team") || argument.startsWith(QLatin1String("--team-url")))
            return runTeamStats(context);
    }
    int status = 0;
    const auto listing = context.listSessions(
        QStringLiteral(
            "Dataset statistics: sessions by verdict, steps, errors, retries, recoveries, outcome "
            "corrections, ratings per reviewer, and agreement between reviewers on step ratings (Cohen's kappa).\n"
            "With --team [--team-url CONNINFO]: agreement across the team's reviewers on the team store."),
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
