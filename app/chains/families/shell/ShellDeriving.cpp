#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/shell/CommandLine.h"
#include "chains/families/shell/RetryDetector.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellOutcome.h"
#include "chains/families/shell/ShellStep.h"

#include <unordered_map>
#include <unordered_set>

namespace trailmark::chains {
namespace {

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

class ShellDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "shell"; }
    std::vector<v1::Event::BodyCase> bodies() const override
    {
        return {v1::Event::kCommandStarted, v1::Event::kCommandFinished};
    }

    std::string_view stepKey(const v1::Event& event) const override
    {
        return event.has_command_started() ? event.command_started().command_id()
                                           : event.command_finished().command_id();
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<ShellDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kCommandStarted; }

    bool hasAttempts() const override { return true; }
};

} // namespace

const DerivingFacet& shellDeriving()
{
    static const ShellDeriving facet;
    return facet;
}

} // namespace trailmark::chains
