#include "chains/TrajectoryJson.h"

#include "chains/Step.h"
#include "chains/families/FamilyRegistry.h"
#include "chains/families/PresentingFacet.h"
#include "store/MessageJson.h"
#include "store/Vocabulary.h"

#include <QJsonArray>

namespace trailmark::chains {
namespace {

QJsonValue orNull(const QString& text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonValue indexOrNull(int index)
{
    return index < 0 ? QJsonValue() : QJsonValue(index);
}

} // namespace

QJsonObject stepToJson(const Step& step)
{
    QJsonArray annotations;
    for (const auto& annotation : step.annotations)
        annotations.append(store::messageToJson(annotation));
    const auto rating = step.rating();
    QJsonArray eventIds;
    for (const std::string& id : step.eventIds)
        eventIds.append(QString::fromStdString(id));
    QJsonArray fixSteps;
    for (const int fix : step.fixSteps)
        fixSteps.append(fix);
    QJsonObject object{
        {QStringLiteral("index"), step.index},
        {QStringLiteral("tool"), step.toolText()},
        {QStringLiteral("action"), step.actionText()},
        {QStringLiteral("observation"), step.isAction() ? QJsonValue(step.observationText()) : QJsonValue()},
        {QStringLiteral("outcome"), toString(step.outcome)},
        {QStringLiteral("error_reasons"), QJsonArray::fromStringList(step.errorReasons)},
        {QStringLiteral("outcome_reason"), orNull(step.outcomeReason)},
        {QStringLiteral("derived_outcome"),
         step.derivedOutcome ? QJsonValue(toString(*step.derivedOutcome)) : QJsonValue()},
        {QStringLiteral("start_ns"), step.startNs},
        {QStringLiteral("end_ns"), step.endNs},
        {QStringLiteral("duration_ns"), step.durationNs},
        {QStringLiteral("event_ids"), eventIds},
        {QStringLiteral("screenshots"), QJsonArray::fromStringList(step.screenshots)},
        {QStringLiteral("thought"), orNull(step.thought)},
        {QStringLiteral("thought_source"), orNull(step.thoughtSource)},
        {QStringLiteral("attempt"), step.hasAttempts() ? QJsonValue(step.attempt) : QJsonValue()},
        {QStringLiteral("retry_of"), indexOrNull(step.retryOf)},
        {QStringLiteral("retried_by"), indexOrNull(step.retriedBy)},
        {QStringLiteral("recovers"), indexOrNull(step.recovers)},
        {QStringLiteral("fix_steps"), fixSteps},
        {QStringLiteral("rating"), rating ? QJsonValue(*rating) : QJsonValue()},
        {QStringLiteral("labels"), QJsonArray::fromStringList(step.labels())},
        {QStringLiteral("annotations"), annotations},
    };
    // Every family's keys on every step, null where they do not apply.
    for (const Family* family : families::all())
        families::presenting(*family).addJsonFields(
            object, step.family == family || step.effectsFamily == family ? &step : nullptr);
    return object;
}

QJsonObject trajectoryToJson(const Trajectory& trajectory)
{
    QJsonArray steps;
    for (const Step& step : trajectory.steps)
        steps.append(stepToJson(step));
    QJsonArray unreadable;
    for (const auto& event : trajectory.unreadable)
        unreadable.append(QJsonObject{{QStringLiteral("seq"), event.seq},
                                      {QStringLiteral("time_ns"), event.timeNs},
                                      {QStringLiteral("event_id"), event.eventId},
                                      {QStringLiteral("error"), event.error}});
    QJsonArray sessionAnnotations;
    for (const auto& annotation : trajectory.sessionAnnotations)
        sessionAnnotations.append(store::messageToJson(annotation));
    const QString verdict = store::vocabulary::verdictName(trajectory.verdict());
    return QJsonObject{
        {QStringLiteral("session"), store::messageToJson(trajectory.session)},
        {QStringLiteral("verdict"), verdict.isEmpty() ? QJsonValue() : QJsonValue(verdict)},
        {QStringLiteral("steps"), steps},
        {QStringLiteral("unreadable_events"), unreadable},
        {QStringLiteral("session_annotations"), sessionAnnotations},
        {QStringLiteral("closing_notes"), QJsonArray::fromStringList(trajectory.closingNotes)},
        {QStringLiteral("stats"),
         QJsonObject{{QStringLiteral("steps"), static_cast<qint64>(trajectory.steps.size())},
                     {QStringLiteral("errors"), trajectory.errorCount()},
                     {QStringLiteral("retries"), trajectory.retryCount()},
                     {QStringLiteral("recoveries"), trajectory.recoveryCount()},
                     {QStringLiteral("unreadable_events"), static_cast<qint64>(trajectory.unreadable.size())}}},
    };
}

} // namespace trailmark::chains
