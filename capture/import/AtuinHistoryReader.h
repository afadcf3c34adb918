#pragma once

#include "capture/import/ImportedCommand.h"

namespace trailmark::capture {

// Reads atuin's history database (~/.local/share/atuin/history.db), table `history`:
// id, timestamp (Unix ns), duration (ns; -1 while the command runs or when it never
// ended), exit, command, cwd, session, hostname ("host:user"), deleted_at.
//
// The file is opened read-only; atuin may keep running. Rows come in time order.
// Deleted rows (deleted_at set) are counted, not returned. A row whose command or cwd is
// not valid UTF-8, or whose command is empty, is reported (by rowid and id) and skipped.
class AtuinHistoryReader
{
public:
    // False when the file cannot be read as an atuin database (*error says why) or when
    // onCommand stopped the reading.
    static bool read(const QString& path, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                     qint64* deletedRows, QString* error);
};

} // namespace trailmark::capture
