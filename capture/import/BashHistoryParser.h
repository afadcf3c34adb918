#pragma once

#include "capture/import/ImportedCommand.h"

namespace trailmark::capture {

// Reads a bash history file ($HISTFILE).
//
// With HISTTIMEFORMAT set, bash writes "#SECONDS" before each command. In a file with
// such lines, the lines after a command up to the next "#SECONDS" belong to that
// command (multi-line commands saved with `shopt -s lithist`), as bash reads them back;
// lines before the first timestamp, and every line of a file without timestamps, are
// one command each and have no time. bash records neither exit status nor duration.
// A timestamp without a command, or a command that is not valid UTF-8, is reported and
// skipped.
class BashHistoryParser
{
public:
    // False when onCommand stopped the reading (its *error says why).
    static bool parse(const QByteArray& data, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                      QString* error);
};

} // namespace trailmark::capture
