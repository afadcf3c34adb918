#include "TrajectoryBuilder.h"

#include "ErrorText.h"
#include "EventFields.h"
#include "Store.h"
#include "Vocabulary.h"

namespace trailmark::chains {
namespace {

QString text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

// Replaces a byte span with a visible marker. Offsets past the end are clamped: a span
// from a reviewer's tool never makes us read outside the field.
void redactSpan(std::string* field, const v1::RedactionSpan& span)
{
    if (!field || span.offset() > field->size())
        return;
    const size_t length = std::min<size_t>(span.length(), field->size() - span.offset());
    const std::string reason = span.reason().empty() ? std::string("reviewer") : span.reason();
    field->replace(span.offset(), length, "[REDACTED:" + reason + "]");
}

} // namespace

TrajectoryBuilder::TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations, Options options)
    : m_options(options)
{
    const QString sessionId = QString::fromStdString(session.id());
    m_trajectory.session = std::move(session);
    for (const auto& annotation : annotations) {
        const QString target = QString::fromStdString(annotation.target_id());
        if (target == sessionId)
            m_trajectory.sessionAnnotations.append(annotation);
        else
            m_annotationsByEvent[target].append(annotation);
    }
}

void TrajectoryBuilder::applyRedactions(v1::Event& event)
{
    const auto found = m_annotationsByEvent.constFind(QString::fromStdString(event.id()));
    if (found != m_annotationsByEvent.cend()) {
        for (const auto& annotation : *found) {
            for (const auto& span : annotation.redactions()) {
                if (span.applied())
                    continue; // already rewritten in the stored event
                std::string* field = eventfields::textField(event, span.field());
                // A step is annotated on its opening event; output spans on a command
                // belong to its finish record, which comes later.
                if (!field && event.has_command_started())
                    m_outputRedactionsByCommand[QString::fromStdString(event.command_started().command_id())].append(
                        span);
                else
                    redactSpan(field, span);
            }
        }
    }
    if (event.has_command_finished()) {
        const auto pending =
            m_outputRedactionsByCommand.constFind(QString::fromStdString(event.command_finished().command_id()));
        if (pending != m_outputRedactionsByCommand.cend()) {
            for (const auto& span : *pending)
                redactSpan(eventfields::textField(event, span.field()), span);
        }
    }
}

void TrajectoryBuilder::rememberStepOf(const v1::Event& event, int stepIndex)
{
    // Only annotations need the map; most sessions have none, and exports stream
    // millions of events past here.
    if (!m_annotationsByEvent.isEmpty())
        m_stepOfEvent.insert(QString::fromStdString(event.id()), stepIndex);
}

Step& TrajectoryBuilder::newStep(StepTool tool, const v1::Event& event)
{
    // Built in place: a session can hold hundreds of thousands of steps.
    Step& step = m_trajectory.steps.emplace_back();
    step.index = static_cast<int>(m_trajectory.steps.size()) - 1;
    step.tool = tool;
    step.startNs = event.time_ns();
    step.endNs = event.time_ns();
    step.firstSeq = event.seq();
    step.eventIds.push_back(event.id());
    step.screenshots = std::exchange(m_pendingScreenshots, {});
    if (tool != StepTool::Note) {
        step.thought = std::exchange(m_pendingThought, {});
        if (!step.thought.isEmpty())
            step.thoughtSource = QStringLiteral("note");
    }
    m_lastStep = step.index;
    rememberStepOf(event, m_lastStep);
    return step;
}

void TrajectoryBuilder::closeAppStep(qint64 atNs)
{
    if (m_currentApp < 0)
        return;
    Step& app = m_trajectory.steps[static_cast<size_t>(m_currentApp)];
    app.endNs = std::max(app.endNs, atNs);
    app.durationNs = app.endNs - app.startNs;
    m_currentApp = -1;
}

void TrajectoryBuilder::finishCommand(Step& step, const v1::Event& event)
{
    const auto& body = event.command_finished();
    step.hasExit = true;
    step.exitKnown = !body.exit_code_unknown();
    step.exitCode = body.exit_code();
    step.signal = body.signal();
    step.durationNs = body.duration_unknown()  ? 0
                      : body.duration_ns() > 0 ? body.duration_ns()
                                               : event.time_ns() - step.startNs;
    step.endNs = event.time_ns();
    step.outputCaptured = body.output_captured() || !body.output_head().empty();
    step.outputTruncated = body.output_truncated();
    step.outputBytes = body.output_bytes();
    step.outputHead = body.output_head();
    step.outputTail = body.output_tail();
    step.eventIds.push_back(event.id());
    rememberStepOf(event, step.index);

    if (step.exitKnown && step.exitCode != 0)
        step.errorReasons.append(QStringLiteral("exit %1").arg(step.exitCode));
    if (step.signal != 0)
        step.errorReasons.append(QStringLiteral("signal %1").arg(step.signal));
    // A viewer's output is what the expert reads (a log full of ERROR lines); only its
    // exit status says whether it worked.
    const bool viewer = step.errorReasons.isEmpty() && showsContent(step.command);
    for (const std::string* output : {&step.outputHead, &step.outputTail}) {
        if (viewer)
            break;
        if (const auto found = findErrorText(*output, step.command)) {
            step.errorReasons.append(QStringLiteral("output: %1").arg(*found));
            break;
        }
    }
    step.outcome = !step.errorReasons.isEmpty() ? StepOutcome::Error
                   : step.exitKnown             ? StepOutcome::Ok
                                                : StepOutcome::Unknown;
}

const v1::Event& TrajectoryBuilder::add(const StoredEvent& stored)
{
    if (!stored.isReadable()) {
        m_trajectory.unreadable.push_back({stored.event.seq(), stored.event.time_ns(),
                                           QString::fromStdString(stored.event.id()), stored.decodeError});
        return stored.event;
    }
    const v1::Event* eventPointer = &stored.event;
    // Copy only events that get redacted: the common case streams without copying.
    const bool annotated =
        !m_annotationsByEvent.isEmpty() && m_annotationsByEvent.contains(QString::fromStdString(stored.event.id()));
    const bool pendingOutput =
        !m_outputRedactionsByCommand.isEmpty() && stored.event.has_command_finished() &&
        m_outputRedactionsByCommand.contains(QString::fromStdString(stored.event.command_finished().command_id()));
    if (annotated || pendingOutput) {
        m_redacted = stored.event;
        applyRedactions(m_redacted);
        eventPointer = &m_redacted;
    }
    const v1::Event& event = *eventPointer;
    m_lastEventNs = std::max<qint64>(m_lastEventNs, event.time_ns());

    switch (event.body_case()) {
    case v1::Event::kCommandStarted: {
        const auto& body = event.command_started();
        Step& step = newStep(StepTool::Shell, event);
        step.command = body.command();
        step.cwd = body.cwd();
        step.commandId = body.command_id();
        step.shell = body.shell();
        step.shellSessionId = body.shell_session_id();
        step.host = body.host();
        step.outcome = StepOutcome::Interrupted;
        if (!step.commandId.empty())
            m_openCommands[step.commandId] = step.index;
        break;
    }
    case v1::Event::kCommandFinished: {
        const std::string& commandId = event.command_finished().command_id();
        const auto open = m_openCommands.find(commandId);
        if (open != m_openCommands.end()) {
            finishCommand(m_trajectory.steps[static_cast<size_t>(open->second)], event);
            m_openCommands.erase(open);
        } else {
            // The start was lost (recording began mid-command): keep the outcome anyway.
            Step& step = newStep(StepTool::Shell, event);
            step.commandId = commandId;
            step.eventIds.clear();
            m_stepOfEvent.remove(QString::fromStdString(event.id()));
            step.startNs = event.time_ns() - event.command_finished().duration_ns();
            finishCommand(step, event);
        }
        break;
    }
    case v1::Event::kAppSwitch: {
        closeAppStep(event.time_ns());
        const auto& body = event.app_switch();
        Step& step = newStep(StepTool::App, event);
        step.appClass = text(body.app_class());
        step.appInstance = text(body.app_instance());
        step.excluded = body.excluded();
        step.titles.append(body.excluded() ? QString() : text(body.title()));
        m_currentApp = step.index;
        break;
    }
    case v1::Event::kTitleChange: {
        if (m_currentApp < 0) {
            // Recording started with a window already active: an app step of unknown app.
            Step& step = newStep(StepTool::App, event);
            step.excluded = event.title_change().excluded();
            step.titles.append(step.excluded ? QString() : text(event.title_change().title()));
            m_currentApp = step.index;
            break;
        }
        Step& app = m_trajectory.steps[static_cast<size_t>(m_currentApp)];
        if (!event.title_change().excluded())
            app.titles.append(text(event.title_change().title()));
        app.eventIds.push_back(event.id());
        rememberStepOf(event, app.index);
        app.endNs = event.time_ns();
        break;
    }
    case v1::Event::kNote: {
        Step& step = newStep(StepTool::Note, event);
        step.noteText = text(event.note().text());
        step.noteKind = vocabulary::noteKindName(event.note().kind());
        if (!step.noteText.isEmpty())
            m_pendingThought = step.noteText;
        break;
    }
    case v1::Event::kScreenshot: {
        const QString hash = QString::fromLatin1(QByteArray::fromStdString(event.screenshot().sha256()).toHex());
        if (m_lastStep >= 0) {
            Step& step = m_trajectory.steps[static_cast<size_t>(m_lastStep)];
            step.screenshots.append(hash);
            step.eventIds.push_back(event.id());
            rememberStepOf(event, step.index);
        } else {
            m_pendingScreenshots.append(hash);
        }
        break;
    }
    case v1::Event::kMarker:
    case v1::Event::BODY_NOT_SET:
        break;
    }
    return event;
}

Trajectory TrajectoryBuilder::finish()
{
    closeAppStep(m_lastEventNs);
    auto& steps = m_trajectory.steps;
    for (Step& step : steps) {
        if (step.tool == StepTool::Shell && !step.hasExit)
            step.durationNs = 0;
    }
    // Annotations: attached to the step that covers their target event.
    for (auto it = m_annotationsByEvent.cbegin(); it != m_annotationsByEvent.cend(); ++it) {
        const auto step = m_stepOfEvent.constFind(it.key());
        if (step == m_stepOfEvent.cend())
            continue;
        steps[static_cast<size_t>(*step)].annotations.append(*it);
    }
    int lastAction = -1;
    for (Step& step : steps) {
        // Several annotation lists may have been merged: keep time order, then id.
        std::sort(step.annotations.begin(), step.annotations.end(), [](const auto& a, const auto& b) {
            return a.time_ns() != b.time_ns() ? a.time_ns() < b.time_ns() : a.id() < b.id();
        });
        if (!step.isAction())
            continue;
        lastAction = step.index;
        if (step.thought.isEmpty()) {
            for (auto annotation = step.annotations.crbegin(); annotation != step.annotations.crend(); ++annotation) {
                if (!annotation->rationale().empty()) {
                    step.thought = QString::fromStdString(annotation->rationale());
                    step.thoughtSource = QStringLiteral("reviewer");
                    break;
                }
            }
        }
    }
    for (size_t i = static_cast<size_t>(lastAction + 1); i < steps.size(); ++i) {
        if (!steps[i].noteText.isEmpty())
            m_trajectory.closingNotes.append(steps[i].noteText);
    }
    RetryDetector(m_options.retry).link(steps);
    return std::move(m_trajectory);
}

std::optional<Trajectory> TrajectoryBuilder::load(Store& store, const QString& sessionId, const Options& options,
                                                  const std::function<bool(const v1::Event&, QString*)>& onEvent,
                                                  QString* error)
{
    auto session = store.session(sessionId, error);
    if (!session)
        return std::nullopt;
    const auto annotations = store.annotations(sessionId, error);
    if (!annotations)
        return std::nullopt;
    TrajectoryBuilder builder(std::move(*session), *annotations, options);
    // At most one step per event. Reserving up front saves moving every step on each
    // growth; pages never written are never touched, so this costs no resident memory.
    if (const auto events = store.eventCount(sessionId, error))
        builder.m_trajectory.steps.reserve(static_cast<size_t>(*events));
    else
        return std::nullopt;
    QString visitError;
    const bool read = store.readEvents(
        sessionId, 0, -1,
        [&](const StoredEvent& stored) {
            const v1::Event& event = builder.add(stored);
            // An undecodable payload has no body to pass on; the trajectory lists it.
            return !onEvent || !stored.isReadable() || onEvent(event, &visitError);
        },
        error);
    if (!read)
        return std::nullopt;
    if (!visitError.isEmpty()) {
        *error = visitError;
        return std::nullopt;
    }
    return builder.finish();
}

} // namespace trailmark::chains
