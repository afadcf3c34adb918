#include "TrajectoryJson.h"

#include "MessageJson.h"
#include "Step.h"
#include "Utf8.h"
#include "Vocabulary.h"

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

QJsonValue bytesText(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QJsonValue bytesBase64(const std::string& bytes)
{
    if (isValidUtf8(bytes))
        return QJsonValue();
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64());
}

} // namespace

QJsonObject stepToJson(const Step& step)
{
    const bool shell = step.tool == StepTool::Shell;
    const bool app = step.tool == StepTool::App;
    QJsonArray annotations;
    for (const auto& annotation : step.annotations)
        annotations.append(messageToJson(annotation));
    const auto rating = step.rating();
    QJsonArray eventIds;
    for (const std::string& id : step.eventIds)
        eventIds.append(QString::fromStdString(id));
    return QJsonObject{
        {QStringLiteral("index"), step.index},
        {QStringLiteral("tool"), toString(step.tool)},
        {QStringLiteral("action"), step.actionText()},
        {QStringLiteral("observation"), step.isAction() ? QJsonValue(step.observationText()) : QJsonValue()},
        {QStringLiteral("outcome"), toString(step.outcome)},
        {QStringLiteral("error_reasons"), QJsonArray::fromStringList(step.errorReasons)},
        {QStringLiteral("start_ns"), step.startNs},
        {QStringLiteral("end_ns"), step.endNs},
        {QStringLiteral("duration_ns"), step.durationNs},
        {QStringLiteral("event_ids"), eventIds},
        {QStringLiteral("command"), shell ? bytesText(step.command) : QJsonValue()},
        {QStringLiteral("command_base64"), shell ? bytesBase64(step.command) : QJsonValue()},
        {QStringLiteral("cwd"), shell ? bytesText(step.cwd) : QJsonValue()},
        {QStringLiteral("shell"), shell ? orNull(QString::fromStdString(step.shell)) : QJsonValue()},
        {QStringLiteral("shell_session_id"),
         shell ? orNull(QString::fromStdString(step.shellSessionId)) : QJsonValue()},
        {QStringLiteral("exit_code"), shell && step.exitKnown ? QJsonValue(step.exitCode) : QJsonValue()},
        {QStringLiteral("signal"), shell && step.hasExit ? QJsonValue(step.signal) : QJsonValue()},
        {QStringLiteral("output_truncated"), shell ? QJsonValue(step.outputTruncated) : QJsonValue()},
        {QStringLiteral("app"), app ? orNull(step.appClass) : QJsonValue()},
        {QStringLiteral("titles"), app ? QJsonValue(QJsonArray::fromStringList(step.titles)) : QJsonValue()},
        {QStringLiteral("note_kind"), step.tool == StepTool::Note ? orNull(step.noteKind) : QJsonValue()},
        {QStringLiteral("screenshots"), QJsonArray::fromStringList(step.screenshots)},
        {QStringLiteral("thought"), orNull(step.thought)},
        {QStringLiteral("thought_source"), orNull(step.thoughtSource)},
        {QStringLiteral("attempt"), shell ? QJsonValue(step.attempt) : QJsonValue()},
        {QStringLiteral("retry_of"), indexOrNull(step.retryOf)},
        {QStringLiteral("retried_by"), indexOrNull(step.retriedBy)},
        {QStringLiteral("recovers"), indexOrNull(step.recovers)},
        {QStringLiteral("rating"), rating ? QJsonValue(*rating) : QJsonValue()},
        {QStringLiteral("labels"), QJsonArray::fromStringList(step.labels())},
        {QStringLiteral("annotations"), annotations},
    };
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
        sessionAnnotations.append(messageToJson(annotation));
    const QString verdict = vocabulary::verdictName(trajectory.verdict());
    return QJsonObject{
        {QStringLiteral("session"), messageToJson(trajectory.session)},
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
