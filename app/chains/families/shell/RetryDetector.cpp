#include "chains/families/shell/RetryDetector.h"

#include "chains/families/shell/ShellStep.h"

#include <algorithm>
#include <unordered_map>

namespace trailmark::chains {
namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The next whitespace-separated word of text from *at on (empty at the end).
std::string_view nextWord(std::string_view text, size_t* at)
{
    size_t i = *at;
    while (i < text.size() && isSpace(text[i]))
        ++i;
    const size_t start = i;
    while (i < text.size() && !isSpace(text[i]))
        ++i;
    *at = i;
    return text.substr(start, i - start);
}

// The program and its first operand, skipping environment assignments (FOO=1 make)
// and sudo, which change how a command runs but not what it is. Runs for every command
// of every export, so it walks the text without building a word list.
RetryDetector::CommandKey programAndFirstArgument(std::string_view command)
{
    size_t at = 0;
    std::string_view program = nextWord(command, &at);
    for (int skipped = 0; !program.empty() && skipped < 16; ++skipped) {
        const bool assignment = program.find('=') != std::string_view::npos && program.front() != '-';
        if (!assignment && program != "sudo")
            break;
        program = nextWord(command, &at);
    }
    if (program.empty())
        return {};
    // The first operand, not the first option: "gcc -Wall x.c" and "gcc x.c" both
    // compile x.c.
    for (int words = 0; words < 16; ++words) {
        const std::string_view word = nextWord(command, &at);
        if (word.empty())
            break;
        if (word.front() != '-')
            return {program, word};
    }
    return {program, std::string_view()};
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
    return similar(a, b, programAndFirstArgument(a), programAndFirstArgument(b));
}

bool RetryDetector::similar(std::string_view a, std::string_view b, const CommandKey& keyA,
                            const CommandKey& keyB) const
{
    if (a == b)
        return true;
    if (!keyA.first.empty() && keyA == keyB)
        return true;
    // The distance cannot be below |len a - len b| / max: skip the quadratic part when
    // the lengths alone rule it out.
    const double longer = static_cast<double>(std::max(a.size(), b.size()));
    const double lengthGap = static_cast<double>(a.size() > b.size() ? a.size() - b.size() : b.size() - a.size());
    if (lengthGap / longer > m_options.maxDistance)
        return false;
    constexpr size_t kMaxCompared = 2048;
    a = a.substr(0, kMaxCompared);
    b = b.substr(0, kMaxCompared);
    const double longest = static_cast<double>(std::max(a.size(), b.size()));
    const auto limit = static_cast<size_t>(m_options.maxDistance * longest);
    return static_cast<double>(editDistance(a, b, limit)) / longest <= m_options.maxDistance;
}

void RetryDetector::link(std::vector<Step>& steps) const
{
    // Shell steps per shell session, in step order; only those within the window matter,
    // so each list is trimmed from the front as time moves on.
    std::unordered_map<std::string, std::vector<int>> recentByShell;
    std::vector<CommandKey> keys(steps.size());
    const auto shellOf = [&steps](int index) {
        return steps[static_cast<size_t>(index)].as<ShellStep>();
    };
    for (Step& step : steps) {
        const ShellStep* shell = step.as<ShellStep>();
        if (!shell || shell->command.empty())
            continue;
        keys[static_cast<size_t>(step.index)] = programAndFirstArgument(shell->command);
        std::vector<int>& recent = recentByShell[shell->shellSessionId];
        const auto endOf = [&](int index) {
            const Step& earlier = steps[static_cast<size_t>(index)];
            return shellOf(index)->hasExit ? earlier.endNs : earlier.startNs;
        };
        recent.erase(std::remove_if(recent.begin(), recent.end(),
                                    [&](int index) { return step.startNs - endOf(index) > m_options.windowNs; }),
                     recent.end());
        for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
            Step& earlier = steps[static_cast<size_t>(*it)];
            if (!similar(shellOf(earlier.index)->command, shell->command, keys[static_cast<size_t>(earlier.index)],
                         keys[static_cast<size_t>(step.index)]))
                continue;
            if (earlier.outcome == StepOutcome::Error && earlier.retriedBy < 0) {
                step.retryOf = earlier.index;
                step.attempt = earlier.attempt + 1;
                earlier.retriedBy = step.index;
                if (step.outcome == StepOutcome::Ok) {
                    int first = earlier.index;
                    while (steps[static_cast<size_t>(first)].retryOf >= 0)
                        first = steps[static_cast<size_t>(first)].retryOf;
                    step.recovers = first;
                }
            }
            break; // only the most recent similar command decides
        }
        recent.push_back(step.index);
        // A retry comes within a few commands of its failure; the bound keeps sessions
        // of many fast commands linear.
        constexpr size_t kMaxLookback = 64;
        if (recent.size() > kMaxLookback)
            recent.erase(recent.begin());
    }
}

} // namespace trailmark::chains
