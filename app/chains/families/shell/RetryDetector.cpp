#include "chains/families/shell/RetryDetector.h"

#include "chains/StepOutline.h"
#include "chains/families/shell/CommandLine.h"
#include "chains/families/shell/ShellStep.h"

#include <algorithm>
#include <array>
#include <unordered_map>
#include <unordered_set>

namespace trailmark::chains {
namespace {

// Segments that only set the scene (cd build && make): matching on them would make
// every command in a directory a retry of the last failure there.
bool setsTheScene(const SimpleCommand& command)
{
    constexpr std::array<std::string_view, 9> kScene = {"cd",     "pushd", "popd",  "source", ".",
                                                        "export", "echo",  "clear", "set"};
    return command.program.empty() || std::find(kScene.begin(), kScene.end(), command.program) != kScene.end();
}

// The commands of a line that say what it does, at most a few: a pasted script is not
// retried by typing.
std::vector<SimpleCommand> actionsOf(std::string_view text)
{
    constexpr size_t kMaxActions = 8;
    std::vector<SimpleCommand> actions;
    for (Pipeline& pipeline : CommandLine::parse(text).pipelines) {
        for (SimpleCommand& command : pipeline.commands) {
            if (!setsTheScene(command) && actions.size() < kMaxActions)
                actions.push_back(std::move(command));
        }
    }
    return actions;
}

// Whether the later command still works on something the earlier named after its verb:
// `pip install requests` then `pip install numpy` installs another thing, while
// `docker run -p 8080:80 nginx` then `-p 8081:80 nginx` runs nginx again.
bool keepsSomeOperand(const SimpleCommand& earlier, const SimpleCommand& later)
{
    const std::string_view verb = earlier.verb();
    bool hadOperand = false;
    for (const std::string_view word : earlier.arguments) {
        if (word.empty() || word.front() == '-' || word == verb)
            continue;
        hadOperand = true;
        if (later.hasArgument(word))
            return true;
    }
    return !hadOperand;
}

} // namespace

bool commandNotFound(const ShellStep& shell)
{
    // Exit 127 is how bash, zsh and fish say there is no such program.
    constexpr int kNotFound = 127;
    return shell.exitKnown && shell.exitCode == kNotFound;
}

namespace {

// The command from its program on, with the program as normalised: what is compared
// once the path, sudo and runners are gone.
std::string normalisedText(const SimpleCommand& command)
{
    std::string text(command.program);
    for (const std::string_view word : command.arguments)
        text.append(" ").append(word);
    return text;
}

} // namespace

double RetryDetector::normalisedDistance(std::string_view a, std::string_view b)
{
    if (a.empty() && b.empty())
        return 0.0;
    // Commands longer than this are compared on their first bytes: a pasted script is
    // not retried by typing, and the quadratic cost stays bounded.
    constexpr size_t kMaxCompared = 2048;
    a = a.substr(0, kMaxCompared);
    b = b.substr(0, kMaxCompared);
    return static_cast<double>(editDistance(a, b, std::max(a.size(), b.size()))) /
           static_cast<double>(std::max(a.size(), b.size()));
}

size_t RetryDetector::editDistance(std::string_view a, std::string_view b, size_t limit)
{
    // Levenshtein with one row, stopping as soon as every cell of a row exceeds limit
    // (the distance can only grow from there): most pairs of unrelated commands stop
    // after a few characters.
    // Cheap lower bound first: characters one string has and the other lacks must each
    // be inserted, deleted or substituted (bag distance, over 64 buckets).
    int counts[64] = {};
    for (const char c : a)
        ++counts[static_cast<unsigned char>(c) & 63];
    for (const char c : b)
        --counts[static_cast<unsigned char>(c) & 63];
    size_t surplus = 0;
    size_t deficit = 0;
    for (const int count : counts)
        (count > 0 ? surplus : deficit) += static_cast<size_t>(count > 0 ? count : -count);
    if (std::max(surplus, deficit) > limit)
        return limit + 1;

    thread_local std::vector<size_t> row;
    row.resize(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        size_t rowMinimum = row[0];
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
            rowMinimum = std::min(rowMinimum, row[j]);
        }
        if (rowMinimum > limit)
            return limit + 1;
    }
    return row[b.size()];
}

bool RetryDetector::similar(std::string_view a, std::string_view b) const
{
    const std::vector<SimpleCommand> first = actionsOf(a);
    const std::vector<SimpleCommand> second = actionsOf(b);
    return a == b || similarActions(first, second, true);
}

bool RetryDetector::similarActions(const std::vector<SimpleCommand>& earlier, const std::vector<SimpleCommand>& later,
                                   bool programNotFound) const
{
    for (const SimpleCommand& failed : earlier) {
        for (const SimpleCommand& again : later) {
            if (sameAction(failed, again, programNotFound))
                return true;
        }
    }
    return false;
}

bool RetryDetector::sameAction(const SimpleCommand& a, const SimpleCommand& b, bool programNotFound) const
{
    // A program name is only a typo when the shell said it found no such program:
    // cmake and make are one letter apart and two tools.
    const bool mistyped =
        programNotFound && (isTypoOf(a.program, b.program) || isTypoOf(a.typedProgram, b.typedProgram));
    if (a.program != b.program && !mistyped)
        return false;
    const std::string_view operandA = a.verb();
    const std::string_view operandB = b.verb();
    if (operandA == operandB)
        return keepsSomeOperand(a, b);
    // Two different subcommands or targets (git push, git pull; make lint, make
    // format) are two things, unless one is the other mistyped.
    if (!operandA.empty() && !operandB.empty())
        return isTypoOf(operandA, operandB);
    // `pytest` then `pytest tests/test_stock.py`: the same tool narrowed to a path. A
    // bare word (`make` then `make all`) is another target and left to the distance.
    const std::string_view added = operandA.empty() ? operandB : operandA;
    if (added.find('/') != std::string_view::npos || added.find('.') != std::string_view::npos)
        return true;
    return normalisedDistance(normalisedText(a), normalisedText(b)) <= m_options.maxDistance;
}

void RetryDetector::link(const std::vector<ShellAttempt>& attempts, std::vector<StepOutline>& steps) const
{
    // Shell steps of every terminal of the recording, in step order: the expert may try
    // again in another terminal. Only those within the window matter, so the list is
    // trimmed from the front as time moves on.
    std::vector<size_t> recent;
    // Each distinct line is parsed once: experts run the same few commands over and
    // over (make, pytest, git status). The views point into the shared texts.
    std::unordered_map<const std::string*, size_t> lineIndex;
    std::vector<std::vector<SimpleCommand>> lines;
    std::vector<size_t> lineOfAttempt(attempts.size());
    const auto actions = [&](size_t attempt) -> const std::vector<SimpleCommand>& {
        return lines[lineOfAttempt[attempt]];
    };
    const auto stepOf = [&steps](const ShellAttempt& attempt) -> StepOutline& {
        return steps[static_cast<size_t>(attempt.step)];
    };
    const auto endOf = [&](size_t earlier) {
        const ShellAttempt& attempt = attempts[earlier];
        return attempt.hasExit ? stepOf(attempt).endNs : stepOf(attempt).startNs;
    };
    for (size_t current = 0; current < attempts.size(); ++current) {
        const ShellAttempt& attempt = attempts[current];
        if (attempt.command->empty())
            continue;
        const auto [line, added] = lineIndex.try_emplace(attempt.command, lines.size());
        if (added)
            lines.push_back(actionsOf(*attempt.command));
        lineOfAttempt[current] = line->second;
        StepOutline& step = stepOf(attempt);
        recent.erase(std::remove_if(recent.begin(), recent.end(),
                                    [&](size_t earlier) { return step.startNs - endOf(earlier) > m_options.windowNs; }),
                     recent.end());
        for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
            const ShellAttempt& earlierAttempt = attempts[*it];
            StepOutline& earlier = stepOf(earlierAttempt);
            const bool identical = earlierAttempt.command == attempt.command;
            if (!identical && !similarActions(actions(*it), actions(current), earlierAttempt.programNotFound))
                continue;
            if (earlier.outcome == StepOutcome::Error && earlier.retriedBy < 0) {
                step.retryOf = earlier.index;
                step.attempt = earlier.attempt + 1;
                earlier.retriedBy = step.index;
                // A retry that answers (no match) or runs until stopped no longer fails.
                if (step.outcome == StepOutcome::Ok || step.outcome == StepOutcome::NoResult ||
                    step.outcome == StepOutcome::Stopped) {
                    int first = earlier.index;
                    while (steps[static_cast<size_t>(first)].retryOf >= 0)
                        first = steps[static_cast<size_t>(first)].retryOf;
                    step.recovers = first;
                }
            }
            break; // only the most recent similar command decides
        }
        recent.push_back(current);
        // A retry comes within a few commands of its failure; the bound keeps sessions
        // of many fast commands linear.
        constexpr size_t kMaxLookback = 64;
        if (recent.size() > kMaxLookback)
            recent.erase(recent.begin());
    }
}

void RetryDetector::link(std::vector<Step>& steps) const
{
    std::unordered_set<std::string> texts;
    std::vector<ShellAttempt> attempts;
    std::vector<StepOutline> outlines(steps.size());
    for (const Step& step : steps) {
        StepOutline& outline = outlines[static_cast<size_t>(step.index)];
        outline.index = step.index;
        outline.startNs = step.startNs;
        outline.endNs = step.endNs;
        outline.outcome = step.outcome;
        outline.attempt = step.attempt;
        outline.retryOf = step.retryOf;
        outline.retriedBy = step.retriedBy;
        outline.recovers = step.recovers;
        if (const ShellStep* shell = step.as<ShellStep>())
            attempts.push_back(
                {&*texts.insert(shell->command).first, step.index, shell->hasExit, commandNotFound(*shell)});
    }
    link(attempts, outlines);
    for (Step& step : steps) {
        const StepOutline& outline = outlines[static_cast<size_t>(step.index)];
        step.attempt = outline.attempt;
        step.retryOf = outline.retryOf;
        step.retriedBy = outline.retriedBy;
        step.recovers = outline.recovers;
    }
}

} // namespace trailmark::chains
