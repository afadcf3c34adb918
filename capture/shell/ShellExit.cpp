#include "capture/shell/ShellExit.h"

#include <algorithm>
#include <cctype>

namespace trailmark::capture {
namespace {

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool isWordChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// A status as people type it: digits, "$?", or a variable ("$status", "${rc}").
bool isStatus(std::string_view word)
{
    if (!word.empty() && std::all_of(word.begin(), word.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return true;
    if (word == "$?")
        return true;
    if (word.size() >= 2 && word.front() == '$') {
        std::string_view name = word.substr(1);
        if (name.size() >= 2 && name.front() == '{' && name.back() == '}')
            name = name.substr(1, name.size() - 2);
        return !name.empty() && std::all_of(name.begin(), name.end(), isWordChar);
    }
    return false;
}

} // namespace

bool endsTheShell(std::string_view commandLine)
{
    std::string_view words[3];
    int count = 0;
    size_t i = 0;
    while (i < commandLine.size()) {
        while (i < commandLine.size() && isBlank(commandLine[i]))
            ++i;
        const size_t start = i;
        while (i < commandLine.size() && !isBlank(commandLine[i]))
            ++i;
        if (i == start)
            break;
        if (count == 3)
            return false;
        words[count++] = commandLine.substr(start, i - start);
    }
    if (count == 0 || count > 2 || (words[0] != "exit" && words[0] != "logout"))
        return false;
    return count == 1 || isStatus(words[1]);
}

} // namespace trailmark::capture
