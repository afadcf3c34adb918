#include "chains/families/edit/UnifiedDiff.h"

#include <charconv>

namespace trailmark::chains::unidiff {
namespace {

bool startsWith(std::string_view text, std::string_view prefix)
{
    return text.substr(0, prefix.size()) == prefix;
}

// "-12,3" or "+7": the count after the comma, 1 when there is none.
int countOf(std::string_view range)
{
    const size_t comma = range.find(',');
    if (comma == std::string_view::npos)
        return 1;
    int count = 0;
    const std::string_view digits = range.substr(comma + 1);
    std::from_chars(digits.data(), digits.data() + digits.size(), count);
    return count;
}

// The path of a "--- a/P" or "+++ b/P" line; empty for /dev/null.
std::string headerPath(std::string_view rest, char side)
{
    // git ends a path that has a space with a tab; libgit2 does not, and quotes paths
    // that need it.
    if (const size_t tab = rest.find('\t'); tab != std::string_view::npos)
        rest = rest.substr(0, tab);
    if (rest == "/dev/null")
        return {};
    std::string path = unquotePath(rest);
    if (path.size() >= 2 && path[0] == side && path[1] == '/')
        path.erase(0, 2);
    return path;
}

} // namespace

std::string unquotePath(std::string_view path)
{
    if (path.size() < 2 || path.front() != '"' || path.back() != '"')
        return std::string(path);
    std::string out;
    const std::string_view inner = path.substr(1, path.size() - 2);
    for (size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] != '\\' || i + 1 == inner.size()) {
            out += inner[i];
            continue;
        }
        const char escaped = inner[++i];
        if (escaped >= '0' && escaped <= '7') {
            // Three octal digits: one byte of a UTF-8 sequence.
            int value = 0;
            size_t digits = 0;
            for (; digits < 3 && i < inner.size() && inner[i] >= '0' && inner[i] <= '7'; ++digits, ++i)
                value = value * 8 + (inner[i] - '0');
            --i;
            out += static_cast<char>(value);
            continue;
        }
        switch (escaped) {
        case 'n':
            out += '\n';
            break;
        case 't':
            out += '\t';
            break;
        case 'a':
            out += '\a';
            break;
        case 'b':
            out += '\b';
            break;
        case 'f':
            out += '\f';
            break;
        case 'r':
            out += '\r';
            break;
        case 'v':
            out += '\v';
            break;
        default:
            out += escaped; // \" and \\.
        }
    }
    return out;
}

std::vector<FileDiff> parse(std::string_view diff)
{
    std::vector<FileDiff> files;
    size_t fileStart = 0;
    const auto closeFile = [&](size_t end) {
        if (!files.empty())
            files.back().text = diff.substr(fileStart, end - fileStart);
    };
    int oldLeft = 0;
    int newLeft = 0;
    // Which side(s) the last body line went to, for "\ No newline at end of file".
    bool lastOld = false;
    bool lastNew = false;
    size_t at = 0;
    while (at < diff.size()) {
        size_t end = diff.find('\n', at);
        const size_t next = end == std::string_view::npos ? diff.size() : end + 1;
        if (end == std::string_view::npos)
            end = diff.size();
        const std::string_view line = diff.substr(at, end - at);
        const std::string_view lineWithNewline = diff.substr(at, next - at);
        at = next;
        Hunk* hunk = files.empty() || files.back().hunks.empty() ? nullptr : &files.back().hunks.back();
        if (hunk && (oldLeft > 0 || newLeft > 0) && !line.empty() &&
            (line[0] == ' ' || line[0] == '-' || line[0] == '+')) {
            const std::string_view body = lineWithNewline.substr(1);
            lastOld = line[0] != '+';
            lastNew = line[0] != '-';
            files.back().added += line[0] == '+';
            files.back().removed += line[0] == '-';
            if (lastOld) {
                hunk->before.append(body);
                --oldLeft;
            }
            if (lastNew) {
                hunk->after.append(body);
                --newLeft;
            }
            continue;
        }
        if (hunk && startsWith(line, "\\ ")) {
            if (lastOld && !hunk->before.empty() && hunk->before.back() == '\n')
                hunk->before.pop_back();
            if (lastNew && !hunk->after.empty() && hunk->after.back() == '\n')
                hunk->after.pop_back();
            continue;
        }
        if (startsWith(line, "diff --git ")) {
            closeFile(at - lineWithNewline.size());
            fileStart = at - lineWithNewline.size();
            files.emplace_back();
            oldLeft = newLeft = 0;
            continue;
        }
        if (files.empty())
            continue; // text before the first file
        FileDiff& file = files.back();
        if (startsWith(line, "--- ") && file.hunks.empty()) {
            file.oldPath = headerPath(line.substr(4), 'a');
        } else if (startsWith(line, "+++ ") && file.hunks.empty()) {
            file.newPath = headerPath(line.substr(4), 'b');
        } else if (startsWith(line, "@@ -")) {
            // "@@ -12,3 +12,4 @@ context"
            const size_t plus = line.find(" +", 4);
            const size_t close = line.find(" @@", plus == std::string_view::npos ? 4 : plus);
            if (plus == std::string_view::npos || close == std::string_view::npos)
                continue;
            oldLeft = countOf(line.substr(3, plus - 3));
            newLeft = countOf(line.substr(plus + 1, close - plus - 1));
            file.hunks.emplace_back();
            lastOld = lastNew = false;
        }
    }
    closeFile(diff.size());
    return files;
}

} // namespace trailmark::chains::unidiff
