#pragma once

#include "chains/export/Exporter.h"

#include <QString>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace trailmark::store {
class Store;
}

namespace trailmark::chains {

class SessionTurns;

// One session an export writes, with what selection and progress need to know.
struct SessionToExport
{
    QString id;
    qint64 startedNs = 0;
    qint64 events = 0;
};

// The sessions to export: those named (every one when none is), oldest first, then by
// id, so that the same database always gives the same files.
std::optional<std::vector<SessionToExport>> selectSessions(store::Store& store, const QStringList& sessionIds,
                                                           QString* error);

// Events done out of the total, reported each time more sessions are written.
class ExportProgress
{
public:
    ExportProgress(const std::vector<SessionToExport>& sessions, std::function<void(qint64, qint64)> report);
    // The first `written` sessions are written.
    void reach(size_t written);

private:
    const std::vector<SessionToExport>& m_sessions;
    std::function<void(qint64, qint64)> m_report;
    qint64 m_total = 0;
    size_t m_counted = 0;
    qint64 m_done = 0;
};

// Derives the selected sessions' trajectories and passes them through the writers,
// counting what they hold into stats, in session order.
//
// Sessions are independent: unless a writer wants every event as it is read, each core
// derives and renders sessions of its own on a read-only connection, and the rendered
// rows reach the files in session order (SessionCapture). Memory is that of one
// session's steps and at most a hold limit of rows per thread.
class SessionRendering
{
public:
    using Writers = std::vector<std::unique_ptr<FormatWriter>>;
    SessionRendering(const ExportOptions& options, const std::vector<SessionToExport>& sessions, Writers& writers,
                     ExportStats& stats);
    bool run(store::Store& store, QString* error);

private:
    // One session after another on the calling thread; writers see every event.
    bool inOrder(store::Store& store, QString* error);
    // One worker per reader; this thread writes what they hand in and reports progress.
    bool sideBySide(std::vector<std::unique_ptr<store::Store>>& readers, QString* error);
    // A worker: claims sessions until none is left, renders each into its capture and
    // hands it in (or writes it, in its turn).
    void renderClaimed(store::Store& reader, SessionTurns& turns, size_t hold);
    // One session's trajectory, or nothing when --accepted-only leaves it out; false on
    // an error. onEvent sees every event (writers that want them; cancellation).
    bool derive(store::Store& from, const SessionToExport& session,
                const std::function<bool(const v1::Event&, QString*)>& onEvent, std::optional<Trajectory>* out,
                QString* why) const;
    // Whether the caller asked to stop (said in *error).
    bool cancelled(QString* error) const;

    const ExportOptions& m_options;
    const std::vector<SessionToExport>& m_sessions;
    Writers& m_writers;
    ExportStats& m_stats;
    ExportProgress m_progress;
};

} // namespace trailmark::chains
