#pragma once

#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"

#include <functional>
#include <optional>

namespace trailmark::chains {

struct ExportOptions
{
    QStringList formats;    // names from knownFormats()
    QString outDir;         // created; must not exist or be empty, unless force
    QStringList sessionIds; // full ids; empty: every session
    bool acceptedOnly = false;
    bool force = false;
    QString trailmarkVersion;
    // The edit tool of the chat formats (openai, openai-reasoning, sharegpt).
    ToolStyle toolStyle;
    TrajectoryBuilder::Options trajectory;
    // Called after each session with events done so far and the total.
    std::function<void(qint64 doneEvents, qint64 totalEvents)> progress;
    // Asked between sessions and every few thousand events; true stops the export
    // and leaves --out as it was.
    std::function<bool()> cancelled;
};

// Writes an export folder.
//
// Sessions are exported one at a time, oldest first (then by id), each streamed from
// the store: memory holds one session's steps, never the database. Everything is
// written into a temporary sibling folder that replaces --out only when all formats
// finished, so a failed export leaves no half-written dataset behind. The same database
// gives byte-identical files: fixed ordering, fixed key order, no export time anywhere.
class Exporter
{
public:
    static std::optional<ExportStats> run(store::Store& store, const ExportOptions& options, QString* error);
    // Checks --out before any work: a clear error when it is a non-empty folder (and
    // force is off) or not a previous Trailmark export (force on: we never delete a
    // folder we did not write).
    static bool checkOutput(const QString& outDir, bool force, QString* error);
    // The file that marks a folder as a Trailmark export.
    static QString markerName();
};

} // namespace trailmark::chains
