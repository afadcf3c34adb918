#include "chains/families/shell/ShellFamily.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/EventFamily.h"
#include "chains/families/shell/CommandLine.h"
#include "chains/families/shell/RetryDetector.h"
#include "chains/families/shell/ShellOutcome.h"
#include "chains/families/shell/ShellStep.h"
#include "store/Utf8.h"

#include <QJsonObject>

#include <unordered_map>
#include <unordered_set>

namespace trailmark::chains {
namespace {

QString lossyText(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

// One line of a command for the live feed.
QString feedText(const std::string& bytes)
{
    QString text = lossyText(bytes);
    text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    return text.left(200);
}

QJsonValue bytesBase64(const std::string& bytes)
{
    if (store::isValidUtf8(bytes))
        return QJsonValue();
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64());
}

QJsonValue orNull(const std::string& text)
{
    return text.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(text));
}

const ShellStep& shellOf(const Step& step)
{
    return *step.as<ShellStep>();
}

// Parsed command lines of a session, each parsed once; the views point into the keys.
// Bounded: a session of distinct lines (an imported history) must not keep them all.
class ParsedLines
{
public:
    const CommandLine& of(const std::string& command)
    {
        constexpr size_t kMaxLines = 1024;
        if (m_lines.size() >= kMaxLines && m_lines.find(command) == m_lines.end())
            m_lines.clear();
        const auto [line, added] = m_lines.try_emplace(command);
        if (added)
            line->second = CommandLine::parse(line->first);
        return line->second;
    }

private:
    std::unordered_map<std::string, CommandLine> m_lines;
};

void finishCommand(Step& step, const v1::Event& event, DerivationContext& context, ParsedLines& lines)
{
    ShellStep& shell = *step.as<ShellStep>();
    const auto& body = event.command_finished();
    shell.hasExit = true;
    shell.exitKnown = !body.exit_code_unknown();
    shell.exitCode = body.exit_code();
    shell.signal = body.signal();
    step.durationNs = body.duration_unknown()  ? 0
                      : body.duration_ns() > 0 ? body.duration_ns()
                                               : event.time_ns() - step.startNs;
    step.endNs = event.time_ns();
    shell.outputCaptured = body.output_captured() || !body.output_head().empty();
    shell.outputTruncated = body.output_truncated();
    shell.outputBytes = body.output_bytes();
    shell.outputHead = body.output_head();
    shell.outputTail = body.output_tail();
    shell.pipeStatus.assign(body.pipe_status().begin(), body.pipe_status().end());
    context.attach(step, event);

    ShellOutcome judged = judgeFinishedCommand(shell, lines.of(shell.command));
    step.outcome = judged.outcome;
    step.errorReasons = std::move(judged.errorReasons);
    step.outcomeReason = std::move(judged.reason);
}

class ShellDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        if (event.has_command_started()) {
            const auto& body = event.command_started();
            Step& step = context.openStep(shellFamily(), event);
            auto shell = std::make_unique<ShellStep>();
            shell->command = body.command();
            shell->cwd = body.cwd();
            shell->commandId = body.command_id();
            shell->shell = body.shell();
            shell->shellSessionId = body.shell_session_id();
            shell->host = body.host();
            step.outcome = StepOutcome::Interrupted;
            const size_t attempt = m_attempts.size();
            m_attempts.push_back({&*m_texts.insert(shell->command).first, step.index});
            const int index = step.index;
            const bool awaitsFinish = !shell->commandId.empty();
            if (awaitsFinish) {
                m_open[shell->commandId] = {index, attempt};
                context.setStepKey(shell->commandId, index); // its file edits find it
            }
            step.detail = std::move(shell);
            if (!awaitsFinish)
                context.release(index); // nothing can finish it
            return;
        }
        const std::string& commandId = event.command_finished().command_id();
        const auto open = m_open.find(commandId);
        if (open != m_open.end()) {
            const auto [index, attempt] = open->second;
            finishCommand(context.step(index), event, context, m_lines);
            noteExit(context.step(index), m_attempts[attempt]);
            context.settleStepKey(commandId);
            m_open.erase(open);
            context.release(index);
            return;
        }
        // The start was lost (recording began mid-command): keep the outcome anyway.
        Step& step = context.openStep(shellFamily(), event);
        context.detachOpening(step);
        auto shell = std::make_unique<ShellStep>();
        shell->commandId = commandId;
        step.detail = std::move(shell);
        if (!commandId.empty()) {
            context.setStepKey(commandId, step.index);
            context.settleStepKey(commandId);
        }
        step.startNs = event.time_ns() - event.command_finished().duration_ns();
        finishCommand(step, event, context, m_lines);
        m_attempts.push_back({&*m_texts.insert(std::string()).first, step.index});
        noteExit(step, m_attempts.back());
        context.release(step.index);
    }

    void finish(DerivationContext& context) override
    {
        RetryDetector(context.retryOptions()).link(m_attempts, context.outlines());
    }

private:
    static void noteExit(const Step& step, ShellAttempt& attempt)
    {
        attempt.hasExit = shellOf(step).hasExit;
        attempt.programNotFound = commandNotFound(shellOf(step));
    }

    struct OpenCommand
    {
        int step = 0;
        size_t attempt = 0;
    };
    std::unordered_map<std::string, OpenCommand> m_open; // by command_id
    ParsedLines m_lines;
    // Every command of the session, for retry linking once all are known.
    std::unordered_set<std::string> m_texts;
    std::vector<ShellAttempt> m_attempts;
};

class ShellFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "shell"; }
    std::vector<v1::Event::BodyCase> bodies() const override
    {
        return {v1::Event::kCommandStarted, v1::Event::kCommandFinished};
    }

    QString describeEvent(const v1::Event& event) const override
    {
        if (event.has_command_started())
            return QStringLiteral("$ ") + feedText(event.command_started().command());
        return QStringLiteral("  → exit %1").arg(event.command_finished().exit_code());
    }
    std::string_view stepKey(const v1::Event& event) const override
    {
        return event.has_command_started() ? event.command_started().command_id()
                                           : event.command_finished().command_id();
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<ShellDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kCommandStarted; }

    bool hasAttempts() const override { return true; }
    QString actionText(const Step& step) const override { return lossyText(shellOf(step).command); }
    void writeAction(JsonWriter& json, const Step& step) const override { json.value(shellOf(step).command); }
    QString observationText(const Step& step) const override { return lossyText(observationUtf8(step)); }
    std::string observationUtf8(const Step& step) const override
    {
        const ShellStep::ObservationParts parts = shellOf(step).observationParts();
        std::string text;
        text.reserve(parts.head.size() + parts.middle.size() + parts.tail.size() + parts.status.size());
        text.append(parts.head).append(parts.middle).append(parts.tail).append(parts.status);
        return text;
    }
    void writeObservation(JsonWriter& json, const Step& step) const override
    {
        const ShellStep::ObservationParts parts = shellOf(step).observationParts();
        json.concatenated({parts.head, parts.middle, parts.tail, parts.status});
    }

    QString toolLabel(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        return shell.shell.empty() ? step.toolText() : QString::fromStdString(shell.shell);
    }
    QString outcomeLabel(const Step& step) const override
    {
        if (step.outcome == StepOutcome::Error && shellOf(step).hasExit && !step.derivedOutcome)
            return QStringLiteral("exit %1").arg(shellOf(step).exitCode);
        return toString(step.outcome);
    }
    TimelineLane lane(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        const QString name = shell.shell.empty() ? QStringLiteral("shell") : QString::fromStdString(shell.shell);
        const QString session = QString::fromStdString(shell.shellSessionId);
        const QString label = session.isEmpty() ? name : QStringLiteral("%1 %2").arg(name, session.right(8));
        return {QStringLiteral("shell:") + label, label};
    }
    quint32 color(StepOutcome outcome) const override
    {
        switch (outcome) {
        case StepOutcome::Interrupted:
            return 0x999999;
        case StepOutcome::NoResult:
            return 0x8a9a5b; // an answer, not a failure: muted, apart from ok's blue
        case StepOutcome::Stopped:
            return 0x6a5acd;
        default:
            return 0x3d78b8;
        }
    }
    QString showActionPattern() const override { return QStringLiteral("$ %1"); }
    QString showOutcome(const Step& step) const override
    {
        // A reviewer's correction says who made it, and what was derived before.
        const QString corrected = step.derivedOutcome
                                      ? QStringLiteral(" [corrected by %1, derived %2]")
                                            .arg(step.outcomeCorrectedBy, toString(*step.derivedOutcome))
                                      : QString();
        switch (step.outcome) {
        case StepOutcome::Error:
            return step.errorReasons.isEmpty()
                       ? QStringLiteral("ERROR") + corrected
                       : QStringLiteral("ERROR (%1)").arg(step.errorReasons.join(QStringLiteral(", "))) + corrected;
        case StepOutcome::NoResult:
        case StepOutcome::Stopped: {
            const QString name =
                step.outcome == StepOutcome::Stopped ? QStringLiteral("stopped") : QStringLiteral("no result");
            return (step.outcomeReason.isEmpty() ? name : QStringLiteral("%1 (%2)").arg(name, step.outcomeReason)) +
                   corrected;
        }
        case StepOutcome::Interrupted:
            return QStringLiteral("INTERRUPTED (no exit recorded)") + corrected;
        case StepOutcome::Unknown:
            return QStringLiteral("exit unknown") + corrected;
        case StepOutcome::Ok:
            break;
        }
        return QStringLiteral("ok") + corrected;
    }
    QStringList showDetails(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        if (step.outcome != StepOutcome::Error)
            return {};
        const QString output = lossyText(shell.outputTail.empty() ? shell.outputHead : shell.outputTail).trimmed();
        if (output.isEmpty())
            return {};
        return {QStringLiteral("output: ") + oneLine(output.section(QLatin1Char('\n'), -3), 200)};
    }
    QStringList detailFacts(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        QStringList facts;
        QString where = QString::fromStdString(shell.shell);
        if (!shell.cwd.empty())
            where += QStringLiteral(" in ") + lossyText(shell.cwd);
        if (!where.isEmpty())
            facts.append(where);
        if (shell.hasExit && step.outcome != StepOutcome::Unknown)
            facts.append(QStringLiteral("exit %1").arg(shell.exitCode));
        if (shell.signal != 0)
            facts.append(QStringLiteral("signal %1").arg(shell.signal));
        return facts;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        // The command is in the opening event, the output in the finish record.
        return {{0, QStringLiteral("command"), QStringLiteral("Command"), shell.command},
                {1, QStringLiteral("output_head"), QStringLiteral("Output (start)"), shell.outputHead},
                {1, QStringLiteral("output_tail"), QStringLiteral("Output (end)"), shell.outputTail}};
    }

    std::string_view toolName() const override { return "shell"; }
    std::string_view toolPurpose() const override { return "running commands in a shell"; }
    std::string toolArguments(const Step& step) const override
    {
        std::string out;
        JsonWriter json(out);
        json.beginObject().field("command", shellOf(step).command).field("cwd", shellOf(step).cwd).endObject();
        return out;
    }
    void writeToolSchema(JsonWriter& json) const override
    {
        writeFunctionSchema(json, "shell",
                            "Run a command line in an interactive shell; returns its output and exit status.",
                            {{"command", "The command line, as typed.", true}, {"cwd", "Working directory."}});
    }
    std::string_view countLabel() const override { return "shell commands"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        static const ShellStep none;
        const bool own = step != nullptr;
        const ShellStep& shell = own ? shellOf(*step) : none;
        json.bytesWithBase64("command", shell.command, own);
        json.bytesWithBase64("cwd", shell.cwd, own);
        json.bytesOrNull("shell", shell.shell, own);
        json.bytesOrNull("shell_session_id", shell.shellSessionId, own);
        json.bytesOrNull("host", shell.host, own);
        json.numberOrNull("exit_code", shell.exitCode, own && shell.exitKnown);
        json.numberOrNull("signal", shell.signal, own && shell.hasExit);
        json.bytesWithBase64("output_head", shell.outputHead, own && shell.outputCaptured);
        json.bytesWithBase64("output_tail", shell.outputTail, own && shell.outputCaptured);
        if (own)
            json.field("output_captured", shell.outputCaptured)
                .field("output_truncated", shell.outputTruncated)
                .field("output_bytes", static_cast<qint64>(shell.outputBytes));
        else
            json.nullField("output_captured").nullField("output_truncated").nullField("output_bytes");
    }
    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const ShellStep* shell = step ? step->as<ShellStep>() : nullptr;
        object.insert(QStringLiteral("command"), shell ? QJsonValue(lossyText(shell->command)) : QJsonValue());
        object.insert(QStringLiteral("command_base64"), shell ? bytesBase64(shell->command) : QJsonValue());
        object.insert(QStringLiteral("cwd"), shell ? QJsonValue(lossyText(shell->cwd)) : QJsonValue());
        object.insert(QStringLiteral("shell"), shell ? orNull(shell->shell) : QJsonValue());
        object.insert(QStringLiteral("shell_session_id"), shell ? orNull(shell->shellSessionId) : QJsonValue());
        object.insert(QStringLiteral("exit_code"),
                      shell && shell->exitKnown ? QJsonValue(shell->exitCode) : QJsonValue());
        object.insert(QStringLiteral("signal"), shell && shell->hasExit ? QJsonValue(shell->signal) : QJsonValue());
        object.insert(QStringLiteral("output_truncated"), shell ? QJsonValue(shell->outputTruncated) : QJsonValue());
    }
};

} // namespace

const EventFamily& shellFamily()
{
    static const ShellFamily family;
    return family;
}

} // namespace trailmark::chains
