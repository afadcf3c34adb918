#include "chains/families/shell/CommandLine.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <initializer_list>

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

template <size_t N> bool isOneOf(std::string_view word, const std::array<std::string_view, N>& names)
{
    return std::find(names.begin(), names.end(), word) != names.end();
}

// A project's wrapper script runs the build tool it is named after: ./gradlew is gradle,
// ./mvnw is mvn (the same build, at the project's pinned version).
std::string_view withoutProjectWrapper(std::string_view name)
{
    if (name == "gradlew")
        return "gradle";
    if (name == "mvnw")
        return "mvn";
    return name;
}

bool startsWithDigit(std::string_view word)
{
    return !word.empty() && std::isdigit(static_cast<unsigned char>(word.front())) != 0;
}

// Options of runners and wrappers that take the next word as their value (sudo -u
// deploy, nice -n 10, xargs -I {}, timeout -k 5, conda run -n env, ssh -i key).
bool runnerOptionTakesValue(std::string_view runner, std::string_view option)
{
    if (runner == "xargs")
        return isOneOf(option, std::array<std::string_view, 8>{"-I", "-n", "-P", "-L", "-d", "-a", "-E", "-s"});
    if (runner == "timeout")
        return isOneOf(option, std::array<std::string_view, 4>{"-s", "-k", "--signal", "--kill-after"});
    return isOneOf(option, std::array<std::string_view, 9>{"-u", "-n", "-g", "-p", "--name", "--prefix", "--with",
                                                           "--python", "--user"});
}

// From `at` on, past the options of `runner` and their values.
size_t pastOptions(const std::vector<std::string_view>& words, size_t at, std::string_view runner)
{
    while (at < words.size() && words[at].size() > 1 && words[at].front() == '-') {
        const std::string_view option = words[at];
        at += runnerOptionTakesValue(runner, option) ? 2 : 1;
        if (option == "--")
            break;
    }
    return at;
}

// Words before the program that change how it runs, not what it is. Returns how many
// words of `words` from `at` on belong to such a runner, 0 when none does.
size_t runnerLength(const std::vector<std::string_view>& words, size_t at)
{
    const std::string_view word = baseName(words[at]);
    const std::string_view next = at + 1 < words.size() ? words[at + 1] : std::string_view();
    // fish joins with `; and`, `; or`: those words prefix the command they run.
    constexpr std::array<std::string_view, 16> kPrefixes = {
        "sudo", "doas",    "env",  "time",  "nice",    "ionice", "nohup", "exec",
        "npx",  "command", "bunx", "xargs", "timeout", "and",    "or",    "not",
    };
    // PGPASSFILE=~/.pg/warehouse psql: an assignment, whatever its value holds.
    if (isAssignment(words[at]))
        return 1;
    // `command -v x` asks where x is: a lookup, not a runner.
    if (word == "command" && (next == "-v" || next == "-V"))
        return 0;
    if (isOneOf(word, kPrefixes)) {
        size_t end = pastOptions(words, at + 1, word);
        // timeout 30 make: the duration is the runner's.
        if (word == "timeout" && end < words.size() && startsWithDigit(words[end]))
            ++end;
        return end - at;
    }
    const bool runSubcommand = next == "run" && (word == "uv" || word == "poetry" || word == "pipenv" ||
                                                 word == "pdm" || word == "hatch" || word == "conda");
    if (runSubcommand || (word == "bundle" && next == "exec") || (word == "pnpm" && next == "exec"))
        return pastOptions(words, at + 2, word) - at; // conda run -n env pip …
    if (withoutVersion(word) == "python" && next == "-m")
        return 2;
    // bash script.sh, sh ./run.sh: the script is the program.
    if ((word == "bash" || word == "sh" || word == "zsh") && !next.empty() && next.front() != '-')
        return 1;
    return 0;
}

size_t pastRunners(const std::vector<std::string_view>& words, size_t at)
{
    while (at < words.size()) {
        const size_t skip = runnerLength(words, at);
        if (skip == 0)
            break;
        at += skip;
    }
    return at;
}

// Where `docker exec CONTAINER CMD`, `docker compose exec|run SERVICE CMD` (and
// podman's) start CMD, or 0. `at` is the program.
size_t containerCommandAt(const std::vector<std::string_view>& words, size_t at)
{
    const auto past = [&](size_t i, std::initializer_list<std::string_view> valued) {
        while (i < words.size() && words[i].size() > 1 && words[i].front() == '-')
            i += std::find(valued.begin(), valued.end(), words[i]) != valued.end() ? 2 : 1;
        return i;
    };
    size_t i = past(at + 1, {"-H", "--host", "-c", "--context", "--config", "-l", "--log-level"});
    const bool compose = baseName(words[at]) == "docker-compose" || (i < words.size() && words[i] == "compose");
    if (compose) {
        i = baseName(words[at]) == "docker-compose" ? at + 1 : i + 1;
        i = past(i, {"-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory"});
    }
    if (i >= words.size() || (words[i] != "exec" && !(compose && words[i] == "run")))
        return 0;
    i = past(i + 1, {"-e", "--env", "-u", "--user", "-w", "--workdir", "--env-file", "--index", "-v", "--volume", "-p",
                     "--publish", "--name", "--entrypoint", "-l", "--label"});
    return i + 1 < words.size() ? i + 1 : 0; // past the container or service
}

// Where the command a wrapper runs elsewhere starts (ssh host CMD, docker exec c CMD,
// kubectl exec pod -- CMD, sh -c CMD, sg group -c CMD, su -c CMD), or 0 when the word at
// `at` is no such wrapper or runs nothing (ssh host: a login).
size_t wrappedCommandAt(const std::vector<std::string_view>& words, size_t at)
{
    const std::string_view word = baseName(words[at]);
    if (word == "ssh") {
        size_t i = at + 1;
        while (i < words.size() && words[i].size() > 1 && words[i].front() == '-') {
            constexpr std::string_view kValued = "bcDEeFIiJLlmOopQRSWw";
            const std::string_view option = words[i];
            i += option.size() == 2 && kValued.find(option[1]) != std::string_view::npos ? 2 : 1;
        }
        // Past the host; `ssh host < script.sh` runs what the shell feeds it.
        const bool runs = i + 1 < words.size() && words[i + 1].front() != '<' && words[i + 1].front() != '>';
        return runs ? i + 1 : 0;
    }
    if (word == "docker" || word == "podman" || word == "docker-compose")
        return containerCommandAt(words, at);
    if (word == "kubectl" || word == "oc") {
        const auto exec = std::find(words.begin() + static_cast<std::ptrdiff_t>(at), words.end(), "exec");
        const auto dashes = std::find(exec, words.end(), "--");
        return exec != words.end() && dashes + 1 < words.end() ? static_cast<size_t>(dashes + 1 - words.begin()) : 0;
    }
    // sh -c CMD, bash -lc CMD, sg group -c CMD, su - user -c CMD.
    if (word == "sh" || word == "bash" || word == "zsh" || word == "dash" || word == "sg" || word == "su") {
        for (size_t i = at + 1; i + 1 < words.size(); ++i) {
            const std::string_view option = words[i];
            if (option.size() > 1 && option.front() == '-' && option[1] != '-' && option.back() == 'c')
                return i + 1;
        }
    }
    return 0;
}

// The text inside a word that is wholly one quoted string ('a b', "a b"), or empty.
std::string_view quotedText(std::string_view word)
{
    if (word.size() < 2 || (word.front() != '\'' && word.front() != '"') || word.back() != word.front())
        return {};
    for (size_t i = 1; i + 1 < word.size(); ++i) {
        if (word[i] == '\\' && word.front() == '"')
            ++i;
        else if (word[i] == word.front())
            return {};
    }
    return word.substr(1, word.size() - 2);
}

SimpleCommand simpleCommand(std::vector<std::string_view> words)
{
    SimpleCommand command;
    size_t at = pastRunners(words, 0);
    // ssh host sudo journalctl -f: the wrapped command acts; a wrapped line given as
    // one quoted word is parsed where the wrapper stands (CommandLine::parse).
    constexpr int kMaxWrappers = 4;
    for (int depth = 0; depth < kMaxWrappers && at < words.size(); ++depth) {
        const size_t inner = wrappedCommandAt(words, at);
        if (inner == 0)
            break;
        if (inner + 1 == words.size() && !quotedText(words[inner]).empty()) {
            command.wrappedLine = quotedText(words[inner]);
            break;
        }
        at = pastRunners(words, inner);
    }
    if (at < words.size()) {
        command.typedProgram = baseName(words[at]);
        command.program = withoutProjectWrapper(withoutVersion(command.typedProgram));
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
    // docker compose up: compose is a plugin of docker (and podman, and of dokcer typed
    // in haste), up is what it does.
    if (operand == "compose") {
        size_t i = static_cast<size_t>(std::find(arguments.begin(), arguments.end(), operand) - arguments.begin()) + 1;
        constexpr std::array<std::string_view, 7> kValued = {
            "-f", "--file", "-p", "--project-name", "--profile", "--env-file", "--project-directory",
        };
        while (i < arguments.size() && !arguments[i].empty() && arguments[i].front() == '-')
            i += std::find(kValued.begin(), kValued.end(), arguments[i]) != kValued.end() ? 2 : 1;
        return i < arguments.size() ? arguments[i] : std::string_view();
    }
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

namespace {

CommandLine parseLine(std::string_view text, int depth);

// Puts the lines that wrappers run (ssh host 'a && b') in the wrappers' place: alone in
// its pipeline, the wrapper gives way to the line's pipelines; inside a pipeline, it
// takes the line's deciding command as its own.
void openWrappedLines(CommandLine& line, int depth)
{
    constexpr int kMaxDepth = 2;
    const bool any = std::any_of(line.pipelines.begin(), line.pipelines.end(), [](const Pipeline& pipeline) {
        return std::any_of(pipeline.commands.begin(), pipeline.commands.end(),
                           [](const SimpleCommand& command) { return !command.wrappedLine.empty(); });
    });
    if (!any || depth >= kMaxDepth)
        return;
    std::vector<Pipeline> opened;
    for (Pipeline& pipeline : line.pipelines) {
        if (pipeline.commands.size() == 1 && !pipeline.commands.front().wrappedLine.empty()) {
            CommandLine inner = parseLine(pipeline.commands.front().wrappedLine, depth + 1);
            if (!inner.pipelines.empty()) {
                inner.pipelines.front().joinedBy = pipeline.joinedBy;
                for (Pipeline& innerPipeline : inner.pipelines) {
                    if (opened.size() < kMaxPipelines)
                        opened.push_back(std::move(innerPipeline));
                }
                continue;
            }
        }
        for (SimpleCommand& command : pipeline.commands) {
            if (command.wrappedLine.empty())
                continue;
            const CommandLine inner = parseLine(command.wrappedLine, depth + 1);
            if (const SimpleCommand* decider = inner.decider()) {
                command.program = decider->program;
                command.typedProgram = decider->typedProgram;
                command.arguments = decider->arguments;
            }
        }
        if (opened.size() < kMaxPipelines)
            opened.push_back(std::move(pipeline));
    }
    line.pipelines = std::move(opened);
}

CommandLine parseLine(std::string_view text, int depth)
{
    CommandLine line;
    Pipeline pipeline;
    std::vector<std::string_view> words;
    words.reserve(8);
    const auto endCommand = [&] {
        if (words.empty())
            return;
        // fish: `a; and b` runs b only when a succeeded, as `a && b` does.
        if (pipeline.commands.empty() && pipeline.joinedBy == ";" && (words.front() == "and" || words.front() == "or"))
            pipeline.joinedBy = words.front() == "and" ? std::string_view("&&") : std::string_view("||");
        pipeline.commands.push_back(simpleCommand(std::move(words)));
        words = {};
        words.reserve(8);
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
            break;
    }
    if (line.pipelines.size() < kMaxPipelines) {
        endCommand();
        if (!pipeline.commands.empty())
            line.pipelines.push_back(std::move(pipeline));
    }
    openWrappedLines(line, depth);
    return line;
}

} // namespace

CommandLine CommandLine::parse(std::string_view text)
{
    return parseLine(text, 0);
}

const SimpleCommand* CommandLine::decider() const
{
    const SimpleCommand* decider = nullptr;
    for (const Pipeline& pipeline : pipelines) {
        const SimpleCommand& last = pipeline.commands.back();
        const bool saysDone = last.program == "echo" || last.program == "printf" || last.program == "true";
        if (decider && pipeline.joinedBy == "&&" && saysDone && pipeline.commands.size() == 1)
            continue;
        decider = &last;
    }
    return decider;
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
