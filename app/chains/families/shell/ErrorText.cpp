#include "chains/families/shell/ErrorText.h"

#include "chains/families/shell/CommandLine.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace trailmark::chains {
namespace {

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// ASCII only, without the C library's locale lookup per call.
char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

bool containsIgnoringCase(std::string_view haystack, std::string_view needle)
{
    if (needle.size() > haystack.size())
        return false;
    for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (equalsIgnoringCase(haystack.substr(i, needle.size()), needle))
            return true;
    }
    return false;
}

// "error:" in any case at a word start, or "Error:" right after a lower-case letter
// (the end of a CamelCase exception name). Scans for ':' first: outputs are mostly
// text without colons, and this runs on every command's output.
std::optional<size_t> findErrorColon(std::string_view text)
{
    constexpr std::string_view kWord = "error";
    size_t colon = text.find(':', kWord.size());
    while (colon != std::string_view::npos) {
        const size_t i = colon - kWord.size();
        if (equalsIgnoringCase(text.substr(i, kWord.size()), kWord)) {
            const bool atWordStart = i == 0 || !isWordChar(text[i - 1]);
            const bool endsCamelCase =
                i > 0 && text[i] == 'E' && std::islower(static_cast<unsigned char>(text[i - 1])) != 0;
            if (atWordStart || endsCamelCase)
                return i;
        }
        colon = text.find(':', colon + 1);
    }
    return std::nullopt;
}

std::optional<size_t> findWord(std::string_view text, std::string_view word)
{
    size_t from = 0;
    while (true) {
        const size_t at = text.find(word, from);
        if (at == std::string_view::npos)
            return std::nullopt;
        const bool startOk = at == 0 || !isWordChar(text[at - 1]) || !isWordChar(word.front());
        const size_t end = at + word.size();
        const bool endOk = end >= text.size() || !isWordChar(text[end]) || !isWordChar(word.back());
        if (startOk && endOk)
            return at;
        from = at + 1;
    }
}

} // namespace

bool showsContent(const SimpleCommand& command)
{
    constexpr std::array<std::string_view, 22> kViewers = {
        "cat", "bat",   "batcat", "less",       "more",  "head", "tail", "grep", "egrep", "rg",   "ag",
        "ack", "zgrep", "zcat",   "journalctl", "dmesg", "sed",  "awk",  "jq",   "view",  "diff", "echo",
    };
    const std::string_view program = command.program;
    if (program == "git" || program == "docker" || program == "kubectl") {
        // git log / show / diff, docker logs, kubectl logs: viewers behind a verb.
        constexpr std::array<std::string_view, 6> kViewingVerbs = {"log", "show", "diff", "blame", "logs", "describe"};
        const std::string_view verb = command.firstOperand();
        if (verb == "compose")
            return command.hasArgument("logs"); // docker compose logs
        return std::find(kViewingVerbs.begin(), kViewingVerbs.end(), verb) != kViewingVerbs.end();
    }
    return std::find(kViewers.begin(), kViewers.end(), program) != kViewers.end();
}

std::optional<QString> findErrorText(std::string_view output, std::string_view command)
{
    constexpr std::array<std::string_view, 6> kExact = {
        "Traceback", "FAILED", "fatal:", "panic:", "No such file or directory", "command not found",
    };
    std::optional<size_t> best;
    std::string_view bestPattern;
    if (const auto at = findErrorColon(output); at && !containsIgnoringCase(command, "error:")) {
        best = at;
        bestPattern = output.substr(*at, 6);
    }
    for (const std::string_view pattern : kExact) {
        if (command.find(pattern) != std::string_view::npos)
            continue;
        const auto at = findWord(output, pattern);
        if (at && (!best || *at < *best)) {
            best = at;
            bestPattern = pattern;
        }
    }
    if (!best)
        return std::nullopt;
    return QString::fromUtf8(bestPattern.data(), static_cast<qsizetype>(bestPattern.size()));
}

} // namespace trailmark::chains
