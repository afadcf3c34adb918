#include "chains/families/shell/CommandLine.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace trailmark::chains {
namespace {

constexpr size_t kMaxPipelines = 16;
constexpr size_t kMaxWords = 64;

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Splits text into words and operators ("|", "&&", "||", ";", "&"), honouring quotes
// and backslashes so that `grep 'a|b'` stays one pipeline.
std::vector<std::string_view> tokens(std::string_view text)
{
    std::vector<std::string_view> result;
    result.reserve(16); // most lines have fewer tokens: one allocation, not five
    size_t i = 0;
    while (i < text.size() && result.size() < kMaxPipelines * kMaxWords) {
        while (i < text.size() && isSpace(text[i]))
            ++i;
        if (i >= text.size())
            break;
        const size_t start = i;
        const char c = text[i];
        if (c == '|' || c == '&' || c == ';') {
            i += (i + 1 < text.size() && text[i + 1] == c && c != ';') ? 2 : 1;
            result.push_back(text.substr(start, i - start));
            continue;
        }
        char quote = 0;
        while (i < text.size()) {
            const char d = text[i];
            if (quote) {
                if (d == quote)
                    quote = 0;
                else if (d == '\\' && quote == '"')
                    ++i;
            } else if (d == '\'' || d == '"') {
                quote = d;
            } else if (d == '\\') {
                ++i;
            } else if (isSpace(d) || d == '|' || d == ';' || (d == '&' && (i == start || text[i - 1] != '>'))) {
                break;
            }
            ++i;
        }
        result.push_back(text.substr(start, std::min(i, text.size()) - start));
    }
    return result;
}

bool isOperator(std::string_view token)
{
    return token == "|" || token == "&&" || token == "||" || token == ";" || token == "&";
}

bool isAssignment(std::string_view word)
{
    const size_t equals = word.find('=');
    return equals != std::string_view::npos && equals > 0 && word.front() != '-' &&
           std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(equals),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string_view baseName(std::string_view word)
{
    if (const size_t slash = word.rfind('/'); slash != std::string_view::npos)
        word = word.substr(slash + 1);
    return word;
}

// "python3.12" and "pip3" are the program a reviewer calls python and pip.
std::string_view withoutVersion(std::string_view name)
{
    for (const std::string_view versioned : {"python", "pip", "pytest", "node", "ruby", "perl"}) {
        if (name.size() > versioned.size() && name.substr(0, versioned.size()) == versioned &&
            std::all_of(name.begin() + static_cast<std::ptrdiff_t>(versioned.size()), name.end(),
                        [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; }))
            return versioned;
    }
    return name;
}

// Words before the program that change how it runs, not what it is. Returns how many
// words of `words` from `at` on belong to such a runner, 0 when none does.
size_t runnerLength(const std::vector<std::string_view>& words, size_t at)
{
    const std::string_view word = baseName(words[at]);
    const std::string_view next = at + 1 < words.size() ? words[at + 1] : std::string_view();
    // fish joins with `; and`, `; or`: those words prefix the command they run.
    constexpr std::array<std::string_view, 12> kPrefixes = {"sudo", "env",     "time", "nice", "nohup", "exec",
                                                            "npx",  "command", "bunx", "and",  "or",    "not"};
    if (isAssignment(word))
        return 1;
    if (std::find(kPrefixes.begin(), kPrefixes.end(), word) != kPrefixes.end()) {
        size_t length = 1;
        // sudo -u deploy, env -i, nice -n 10: options of the runner, and their values.
        while (at + length < words.size() && words[at + length].front() == '-') {
            const std::string_view option = words[at + length];
            length += (option == "-u" || option == "-n" || option == "-g") ? 2 : 1;
        }
        return length;
    }
    const bool runSubcommand = next == "run" && (word == "uv" || word == "poetry" || word == "pipenv" ||
                                                 word == "pdm" || word == "hatch" || word == "conda");
    if (runSubcommand || (word == "bundle" && next == "exec") || (word == "pnpm" && next == "exec"))
        return 2;
    if (withoutVersion(word) == "python" && next == "-m")
        return 2;
    // bash script.sh, sh ./run.sh: the script is the program.
    if ((word == "bash" || word == "sh" || word == "zsh") && !next.empty() && next.front() != '-')
        return 1;
    return 0;
}

SimpleCommand simpleCommand(std::vector<std::string_view> words)
{
    SimpleCommand command;
    size_t at = 0;
    while (at < words.size()) {
        const size_t skip = runnerLength(words, at);
        if (skip == 0)
            break;
        at += skip;
    }
    if (at < words.size()) {
        command.typedProgram = baseName(words[at]);
        command.program = withoutVersion(command.typedProgram);
        command.arguments.assign(words.begin() + static_cast<std::ptrdiff_t>(at + 1), words.end());
    }
    command.words = std::move(words);
    return command;
}

} // namespace

namespace {

// Options that take the next word as their value in most tools (-n namespace, -C dir,
// -o file, -m message): that value is no operand.
bool takesValue(std::string_view option)
{
    constexpr std::array<std::string_view, 20> kValued = {
        "-n",       "--namespace", "-C",          "--context", "-u",       "-H",        "--host",
        "--app",    "-o",          "--output",    "-m",        "-k",       "-t",        "--tag",
        "--prefix", "--dir",       "--directory", "--project", "--region", "--profile",
    };
    return std::find(kValued.begin(), kValued.end(), option) != kValued.end();
}

bool isRedirection(std::string_view word)
{
    return word.front() == '>' || word.front() == '<' || word.substr(0, 2) == "2>" || word.substr(0, 2) == "&>";
}

} // namespace

std::string_view SimpleCommand::firstOperand() const
{
    for (size_t i = 0; i < arguments.size(); ++i) {
        const std::string_view word = arguments[i];
        if (word.empty() || isAssignment(word) || isRedirection(word))
            continue;
        if (word.front() == '-') {
            i += takesValue(word) ? 1 : 0;
            continue;
        }
        return word;
    }
    return {};
}

std::string_view SimpleCommand::verb() const
{
    const std::string_view operand = firstOperand();
    const bool packageManager = program == "npm" || program == "yarn" || program == "pnpm" || program == "bun";
    if (!packageManager || (operand != "run" && operand != "run-script"))
        return operand;
    const auto run = std::find(arguments.begin(), arguments.end(), operand);
    return run + 1 < arguments.end() ? *(run + 1) : std::string_view();
}

bool SimpleCommand::hasArgument(std::string_view word) const
{
    return std::find(arguments.begin(), arguments.end(), word) != arguments.end();
}

CommandLine CommandLine::parse(std::string_view text)
{
    CommandLine line;
    Pipeline pipeline;
    std::vector<std::string_view> words;
    words.reserve(8);
    const auto endCommand = [&] {
        if (!words.empty()) {
            pipeline.commands.push_back(simpleCommand(std::move(words)));
            words = {};
            words.reserve(8);
        }
    };
    for (const std::string_view token : tokens(text)) {
        if (!isOperator(token)) {
            if (words.size() < kMaxWords)
                words.push_back(token);
            continue;
        }
        endCommand();
        if (token == "|")
            continue;
        if (!pipeline.commands.empty())
            line.pipelines.push_back(std::move(pipeline));
        pipeline = Pipeline{token, {}};
        if (line.pipelines.size() >= kMaxPipelines)
            return line;
    }
    endCommand();
    if (!pipeline.commands.empty())
        line.pipelines.push_back(std::move(pipeline));
    return line;
}

size_t typoDistance(std::string_view a, std::string_view b, size_t limit)
{
    const size_t gap = a.size() > b.size() ? a.size() - b.size() : b.size() - a.size();
    if (gap > limit || a.size() > 64 || b.size() > 64)
        return limit + 1;
    // Three rows of the optimal string alignment table: names are short.
    std::array<std::array<size_t, 65>, 3> rows{};
    for (size_t j = 0; j <= b.size(); ++j)
        rows[1][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        auto& row = rows[(i + 1) % 3];
        const auto& above = rows[i % 3];
        const auto& twoAbove = rows[(i + 2) % 3];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            const size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            row[j] = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                row[j] = std::min(row[j], twoAbove[j - 2] + 1);
        }
    }
    const size_t distance = rows[(a.size() + 1) % 3][b.size()];
    return distance > limit ? limit + 1 : distance;
}

bool isTypoOf(std::string_view a, std::string_view b)
{
    if (a == b || a.size() < 2 || b.size() < 2)
        return false;
    const size_t allowed = std::min(a.size(), b.size()) >= 7 ? 2 : 1;
    if (typoDistance(a, b, allowed) > allowed)
        return false;
    // Names that differ only in a digit are different things, not a slip.
    if (a.size() == b.size()) {
        for (size_t i = 0; i < a.size(); ++i) {
            if (a[i] != b[i] &&
                (std::isdigit(static_cast<unsigned char>(a[i])) || std::isdigit(static_cast<unsigned char>(b[i]))))
                return false;
        }
    }
    return true;
}

} // namespace trailmark::chains
