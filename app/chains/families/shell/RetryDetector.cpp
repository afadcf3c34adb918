#include "chains/families/shell/RetryDetector.h"

#include "chains/StepOutline.h"
#include "chains/families/shell/CommandLine.h"
#include "chains/families/shell/ShellStep.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
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

bool isDigit(char c)
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

std::string_view withoutQuotes(std::string_view word)
{
    if (word.size() >= 2 && (word.front() == '\'' || word.front() == '"') && word.back() == word.front())
        return word.substr(1, word.size() - 2);
    return word;
}

// A version: 3.12, v1.4.0, 2.1.4rc1 (a dot needed: 8080 or a pid is no version).
bool isVersion(std::string_view word)
{
    if (!word.empty() && word.front() == 'v')
        word.remove_prefix(1);
    return !word.empty() && isDigit(word.front()) && word.find('.') != std::string_view::npos &&
           std::all_of(word.begin(), word.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+';
           });
}

// What a word names without its version (python=3.12, money@v1.3.2, api:1.8.2,
// flask==3.0.2 and a bare 3.12 name python, money, api, flask and ""), or nullopt when
// it carries none.
std::optional<std::string_view> versionedName(std::string_view word)
{
    if (isVersion(word))
        return std::string_view();
    const size_t split = word.find_last_of("=@:");
    if (split == std::string_view::npos || !isVersion(word.substr(split + 1)))
        return std::nullopt;
    std::string_view name = word.substr(0, split);
    while (!name.empty() && (name.back() == '=' || name.back() == '<' || name.back() == '>' || name.back() == '~'))
        name.remove_suffix(1);
    return name;
}

// The place a word names on another machine, without the machine: the path of a URL
// (https://fx.internal/api/rates is /api/rates), of host:path (web-01:/tmp/ is /tmp/), or
// "" for host:port; nullopt for a word that names no machine.
std::optional<std::string_view> remotePlace(std::string_view word)
{
    if (const size_t scheme = word.find("://"); scheme != std::string_view::npos) {
        const std::string_view rest = word.substr(scheme + 3);
        const size_t slash = rest.find('/');
        return slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    }
    const size_t colon = word.find(':');
    if (colon == std::string_view::npos || colon == 0 || word.substr(0, colon).find('/') != std::string_view::npos)
        return std::nullopt;
    std::string_view place = word.substr(colon + 1);
    while (!place.empty() && isDigit(place.front())) // a port
        place.remove_prefix(1);
    return place;
}

bool isPathLike(std::string_view word)
{
    if (word.find('/') != std::string_view::npos)
        return true;
    const size_t dot = word.rfind('.');
    return dot != std::string_view::npos && dot > 0 && dot + 1 < word.size() && !isDigit(word[dot + 1]);
}

// A local path as compared: without "./", a trailing "/" or "/..." (Go's "every package
// below"); "." and "./..." become "", the whole tree.
std::string_view comparablePath(std::string_view path)
{
    while (path.substr(0, 2) == "./")
        path.remove_prefix(2);
    if (path == "." || path == "...")
        return {};
    if (path.size() >= 4 && path.substr(path.size() - 4) == "/...")
        path.remove_suffix(4);
    while (path.size() > 1 && path.back() == '/')
        path.remove_suffix(1);
    return path;
}

// Whether two operands name the same thing for what a retry needs: the same word, the
// same file in another directory (revenue.db, data/revenue.db), a path and one inside
// it (./..., ./internal/invoice), the same place on another host or port, or the same
// thing at another version (python=3.13, python=3.12).
bool sameTarget(std::string_view a, std::string_view b)
{
    a = withoutQuotes(a);
    b = withoutQuotes(b);
    if (a == b)
        return true;
    const auto nameA = versionedName(a);
    const auto nameB = versionedName(b);
    if (nameA && nameB)
        return *nameA == *nameB;
    const auto placeA = remotePlace(a);
    const auto placeB = remotePlace(b);
    const auto base = [](std::string_view path) {
        return path.substr(path.rfind('/') + 1);
    };
    // The same place on another machine, or the same-named directory there at a fixed
    // path (host:/var/www/handbook/, host:/var/www/docs/handbook/).
    if (placeA && placeB) {
        const std::string_view pathA = comparablePath(*placeA);
        const std::string_view pathB = comparablePath(*placeB);
        return *placeA == *placeB || (!base(pathA).empty() && base(pathA) == base(pathB));
    }
    // A name and the same name qualified (mirror, mirror.acme.io; notes, notes.txt).
    const auto qualifies = [](std::string_view bare, std::string_view qualified) {
        return !bare.empty() && bare.find_first_of("./") == std::string_view::npos &&
               qualified.size() > bare.size() + 1 && qualified.substr(0, bare.size()) == bare &&
               qualified[bare.size()] == '.';
    };
    if (qualifies(a, b) || qualifies(b, a))
        return true;
    if (!isPathLike(a) || !isPathLike(b) || placeA || placeB)
        return false;
    a = comparablePath(a);
    b = comparablePath(b);
    const auto inside = [](std::string_view outer, std::string_view inner) {
        const bool relative = inner.empty() || (inner.front() != '/' && inner.front() != '~');
        return (outer.empty() && relative) ||
               (inner.size() > outer.size() && inner.substr(0, outer.size()) == outer && inner[outer.size()] == '/');
    };
    return inside(a, b) || inside(b, a) || (!base(a).empty() && base(a) == base(b));
}

// A one-letter option (-U, -p, -i, -c): the word after it may be its value.
bool isShortOption(std::string_view word)
{
    return word.size() == 2 && word.front() == '-' && std::isalpha(static_cast<unsigned char>(word[1]));
}

// Whether the word at `index` of `command` is the value of the option before it, as far
// as comparing with `other` tells: `other` gives that one-letter option a value too, or
// lacks it (`ssh -i key host`, then `ssh host`). With addedLongOptions, a `--name`
// option that `other` lacks takes the word too: where the verbs differ,
// `curl --resolve HOST:443:IP URL` acts on URL, not on HOST:443:IP. (Single-dash words
// longer than one letter are left alone: -la and -xzf are flags, -jar takes a file.)
bool isOptionValue(const SimpleCommand& command, size_t index, const SimpleCommand& other,
                   bool addedLongOptions = false)
{
    if (index == 0)
        return false;
    const std::string_view option = command.arguments[index - 1];
    const auto found = std::find(other.arguments.begin(), other.arguments.end(), option);
    if (!isShortOption(option)) {
        return addedLongOptions && found == other.arguments.end() && option.size() > 2 && option.substr(0, 2) == "--" &&
               option.find('=') == std::string_view::npos;
    }
    return found == other.arguments.end() ||
           (found + 1 < other.arguments.end() && !(found + 1)->empty() && (found + 1)->front() != '-');
}

// What `command` does once values of options are passed over (see isOptionValue):
// `psql -U postgres shop` and `psql -U shop shop` both act on shop.
std::string_view operandPastValues(const SimpleCommand& command, const SimpleCommand& other)
{
    const std::string_view verb = command.verb();
    if (verb.empty())
        return verb;
    const auto& words = command.arguments;
    for (auto i = static_cast<size_t>(std::find(words.begin(), words.end(), verb) - words.begin()); i < words.size();
         ++i) {
        const std::string_view word = words[i];
        if (word.empty() || word.front() == '-' || word.front() == '>' || word.front() == '<' ||
            isOptionValue(command, i, other, true))
            continue;
        return word;
    }
    return {};
}

// Whether every option of `inner` is one of `outer`'s.
bool optionsIncluded(const SimpleCommand& inner, const SimpleCommand& outer)
{
    return std::all_of(inner.arguments.begin(), inner.arguments.end(), [&](std::string_view word) {
        return word.size() < 2 || word.front() != '-' || outer.hasArgument(word);
    });
}

// Whether the later command still works on something the earlier named after its verb:
// `pip install requests` then `pip install numpy` installs another thing, while
// `docker run -p 8080:80 nginx` then `-p 8081:80 nginx` runs nginx again. Values of
// options do not count (they may change), and a target counts as kept when the later
// names it in another directory, on another host or at another version (sameTarget).
bool keepsSomeOperand(const SimpleCommand& earlier, const SimpleCommand& later, std::string_view verb)
{
    bool hadOperand = false;
    // What it acts on follows what it does (docker compose logs -f worker: worker).
    const auto afterVerb = verb.empty() ? earlier.arguments.begin()
                                        : std::find(earlier.arguments.begin(), earlier.arguments.end(), verb) + 1;
    for (auto i = static_cast<size_t>(afterVerb - earlier.arguments.begin()); i < earlier.arguments.size(); ++i) {
        const std::string_view word = earlier.arguments[i];
        // A bare number is a value (a port, a count, a pid), not what the command acts on.
        if (word.empty() || word.front() == '-' || isOptionValue(earlier, i, later) ||
            std::all_of(word.begin(), word.end(), isDigit))
            continue;
        hadOperand = true;
        if (later.hasArgument(word) || std::any_of(later.arguments.begin(), later.arguments.end(), [&](auto other) {
                return sameTarget(word, other) || isTypoOf(word, other);
            }))
            return true;
    }
    return !hadOperand;
}

// Whether the command only checks what it would do (terraform fmt -check, --dry-run):
// running it for real after the check failed is the fix, not the check again.
bool onlyChecks(const SimpleCommand& command)
{
    return std::any_of(command.arguments.begin(), command.arguments.end(), [](std::string_view word) {
        return word == "-check" || word == "--check" || word.substr(0, 9) == "--dry-run" || word == "--noop";
    });
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
    if (onlyChecks(a) && !onlyChecks(b))
        return false;
    const std::string_view operandA = a.verb();
    const std::string_view operandB = b.verb();
    if (operandA == operandB)
        return keepsSomeOperand(a, b, operandA);
    if (!operandA.empty() && !operandB.empty()) {
        // Two different subcommands or targets (git push, git pull; make lint, make
        // format) are two things, unless one is the other mistyped or both name the same
        // file, place or thing at another version (sqlite3 revenue.db, sqlite3
        // data/revenue.db).
        if (isTypoOf(operandA, operandB) || sameTarget(operandA, operandB))
            return true;
        // The first operands may be values of a changed option (psql -U postgres shop,
        // psql -U shop shop): then what follows decides.
        const std::string_view pastA = operandPastValues(a, b);
        const std::string_view pastB = operandPastValues(b, a);
        if (pastA == operandA && pastB == operandB)
            return false;
        if (pastA == pastB)
            return keepsSomeOperand(a, b, pastA);
        return !pastA.empty() && !pastB.empty() && (isTypoOf(pastA, pastB) || sameTarget(pastA, pastB));
    }
    // `pytest` then `pytest tests/test_stock.py`: the same tool narrowed to a path. A
    // bare word (`make` then `make all`) is another target and left to the distance,
    // unless each line has options the other lacks: `csvcut -n FILE` lists what
    // `csvcut -c amount FILE` failed to cut, another way of using the tool.
    const std::string_view added = operandA.empty() ? operandB : operandA;
    if (added.find('/') != std::string_view::npos || added.find('.') != std::string_view::npos)
        return true;
    if (!optionsIncluded(a, b) && !optionsIncluded(b, a))
        return false;
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
