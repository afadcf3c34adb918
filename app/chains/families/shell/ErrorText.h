#pragma once

#include <QString>

#include <optional>
#include <string_view>

namespace trailmark::chains {

struct SimpleCommand;

// Finds text in a command's output that says it failed, for commands whose exit status
// does not (scripts that print an error and exit 0, pipelines that hide the status).
//
// The patterns, and their case rules:
// - "error:"  any case ("error:", "Error:", "ERROR:") at the start of a word, and also
//             "Error:" ending a CamelCase name ("ValueError:", "TypeError:");
// - "Traceback", "FAILED", "fatal:", "panic:", "No such file or directory",
//   "command not found": exactly this case, as whole words. Case matters here because
//   "failed" or "Fatal" are common in ordinary prose and log lines; the capitalised
//   forms are what pytest, git, Go, Python and the shells print.
// A pattern that also appears in the command itself is not an error (searching logs
// with `grep error:` prints matches and succeeds).
//
// Returns the pattern that matched first in the output, or nullopt.
std::optional<QString> findErrorText(std::string_view output, std::string_view command);

// True when the command's program shows content rather than doing work (cat, less,
// tail, grep, journalctl, git log, ...): error text in what it prints is the content
// the expert is reading, not a failure of the command. Exit status still counts. The
// program is the one that acts (CommandLine): sudo, ssh host '…' and docker exec are
// seen through.
bool showsContent(const SimpleCommand& command);

} // namespace trailmark::chains
