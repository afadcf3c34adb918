#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace trailmark::chains::unidiff {

// One stretch of a file that changed: the text before and after it, context included,
// exactly as a str_replace editor call replaces it.
struct Hunk
{
    std::string before;
    std::string after;
};

// One file's part of a git-style unified diff ("diff --git a/P b/P", headers, hunks).
struct FileDiff
{
    std::string oldPath;   // empty for a created file (--- /dev/null)
    std::string newPath;   // empty for a deleted file (+++ /dev/null)
    std::string_view text; // the whole part, headers included
    std::vector<Hunk> hunks;
    int added = 0; // lines
    int removed = 0;
};

// Splits a multi-file diff into its files and their hunks. Lines it does not know are
// kept in `text` and ignored otherwise; "\ No newline at end of file" ends the line
// above it without its newline, on the side that line belongs to.
std::vector<FileDiff> parse(std::string_view diff);

// A path as a git diff header writes it: quoted with C escapes when it needs to be.
std::string unquotePath(std::string_view path);

} // namespace trailmark::chains::unidiff
