#include "chains/export/SessionRendering.h"

#include "chains/Step.h"
#include "chains/StepOutline.h"
#include "chains/export/SessionTurns.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Store.h"
#include "store/Vocabulary.h"

#include <QScopeGuard>
#include <QSet>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>
#include <utility>

namespace trailmark::chains {
namespace {

size_t familyIndex(const EventFamily* family)
{
    const auto all = families::all();
    return static_cast<size_t>(std::find(all.begin(), all.end(), family) - all.begin());
}

// How many threads derive and render sessions: one per core (at most 8), or
// TRAILMARK_EXPORT_THREADS (1: everything on the calling thread).
int exportThreads()
{
    bool set = false;
    const int wanted = qEnvironmentVariableIntValue("TRAILMARK_EXPORT_THREADS", &set);
    if (set && wanted > 0)
        return std::min(wanted, 64);
    return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 8u));
}

// Bytes a session may hold back while it waits for its turn: sessions rendered ahead of
// the one being written cost at most this much each. TRAILMARK_EXPORT_HOLD_BYTES
// changes it (tests make it tiny, so that every session waits part way).
size_t holdLimit()
{
    bool set = false;
    const qint64 bytes = qEnvironmentVariableIntValue("TRAILMARK_EXPORT_HOLD_BYTES", &set);
    return set && bytes > 0 ? static_cast<size_t>(bytes) : size_t{8} << 20;
}

// Sessions with more events than this are exported from their outline. Whole steps are
// faster to write (each event is read once); a session this long takes a few hundred
// megabytes whole. TRAILMARK_EXPORT_OUTLINE_ABOVE overrides it (tests).
qint64 outlineAboveEvents()
{
    bool set = false;
    const qint64 events = qEnvironmentVariableIntValue("TRAILMARK_EXPORT_OUTLINE_ABOVE", &set);
    return set && events >= 0 ? events : 100'000;
}

// Read-only connections for the worker threads: as many as wanted and the file allows
// (fewer than two: the calling thread does everything).
std::vector<std::unique_ptr<store::Store>> openReaders(const QString& path, int threads)
{
    std::vector<std::unique_ptr<store::Store>> readers;
    for (int i = 0; i < threads && threads > 1; ++i) {
        QString openError;
        auto reader = store::Store::open(path, store::Store::Access::ReadOnly, &openError);
        if (!reader) {
            spdlog::info("export: {} thread(s) only ({})", readers.size(), openError.toStdString());
            break;
        }
        readers.push_back(std::move(reader));
    }
    return readers;
}

void countSteps(const Trajectory& trajectory, ExportStats& stats)
{
    ++stats.sessions;
    stats.unreadableEvents += static_cast<qint64>(trajectory.unreadable.size());
    const auto count = [&stats](const auto& step, bool rated) {
        ++stats.steps;
        ++stats.stepsByFamily[familyIndex(step.family)];
        stats.errors += step.outcome == StepOutcome::Error;
        stats.retries += step.retryOf >= 0;
        stats.recoveries += step.recovers >= 0;
        stats.ratedSteps += rated;
    };
    if (trajectory.outline) {
        for (const StepOutline& step : trajectory.outline->steps)
            count(step, step.rated);
    }
    for (const Step& step : trajectory.steps)
        count(step, step.rating().has_value());
    if (!exportutil::hasAction(trajectory))
        ++stats.skippedSessions;
}

void addStats(ExportStats& into, const ExportStats& from)
{
    into.sessions += from.sessions;
    into.skippedSessions += from.skippedSessions;
    into.steps += from.steps;
    for (size_t i = 0; i < into.stepsByFamily.size() && i < from.stepsByFamily.size(); ++i)
        into.stepsByFamily[i] += from.stepsByFamily[i];
    into.errors += from.errors;
    into.retries += from.retries;
    into.recoveries += from.recoveries;
    into.ratedSteps += from.ratedSteps;
    into.events += from.events;
    into.unreadableEvents += from.unreadableEvents;
}

void warnUnreadable(const SessionToExport& session, const std::vector<UnreadableEvent>& events)
{
    for (const auto& unreadable : events)
        spdlog::warn("export: session {} event seq {} is unreadable ({}); exported without it",
                     session.id.toStdString(), unreadable.seq, unreadable.error.toStdString());
}

} // namespace

std::optional<std::vector<SessionToExport>> selectSessions(store::Store& store, const QStringList& sessionIds,
                                                           QString* error)
{
    const auto summaries = store.sessionSummaries(error);
    if (!summaries)
        return std::nullopt;
    std::vector<SessionToExport> sessions;
    const QSet<QString> wanted(sessionIds.cbegin(), sessionIds.cend());
    for (const auto& summary : *summaries) {
        const QString id = QString::fromStdString(summary.session.id());
        if (!wanted.isEmpty() && !wanted.contains(id))
            continue;
        sessions.push_back({id, summary.session.started_ns(), summary.eventCount});
    }
    std::sort(sessions.begin(), sessions.end(), [](const SessionToExport& a, const SessionToExport& b) {
        return a.startedNs != b.startedNs ? a.startedNs < b.startedNs : a.id < b.id;
    });
    return sessions;
}

ExportProgress::ExportProgress(const std::vector<SessionToExport>& sessions, std::function<void(qint64, qint64)> report)
    : m_sessions(sessions)
    , m_report(std::move(report))
{
    for (const auto& session : m_sessions)
        m_total += session.events;
}

void ExportProgress::reach(size_t written)
{
    for (; m_counted < written && m_counted < m_sessions.size(); ++m_counted)
        m_done += m_sessions[m_counted].events;
    if (m_report)
        m_report(m_done, m_total);
}

SessionRendering::SessionRendering(const ExportOptions& options, const std::vector<SessionToExport>& sessions,
                                   Writers& writers, ExportStats& stats)
    : m_options(options)
    , m_sessions(sessions)
    , m_writers(writers)
    , m_stats(stats)
    , m_progress(sessions, options.progress)
{}

bool SessionRendering::run(store::Store& store, QString* error)
{
    const bool writersWantEvents =
        std::any_of(m_writers.begin(), m_writers.end(), [](const auto& writer) { return writer->wantsEvents(); });
    const int threads = writersWantEvents || m_sessions.size() < 2 ? 1 : exportThreads();
    auto readers = openReaders(store.path(), threads);
    return readers.size() > 1 ? sideBySide(readers, error) : inOrder(store, error);
}

bool SessionRendering::inOrder(store::Store& store, QString* error)
{
    for (size_t i = 0; i < m_sessions.size(); ++i) {
        const SessionToExport& session = m_sessions[i];
        if (cancelled(error))
            return false;
        std::optional<Trajectory> trajectory;
        const bool ok = derive(
            store, session,
            [&](const v1::Event& event, QString* eventError) {
                if (++m_stats.events % 4096 == 0 && cancelled(error)) {
                    *eventError = *error;
                    return false;
                }
                for (auto& writer : m_writers) {
                    if (!writer->event(event, eventError))
                        return false;
                }
                return true;
            },
            &trajectory, error);
        if (!ok)
            return false;
        if (trajectory) {
            countSteps(*trajectory, m_stats);
            for (auto& writer : m_writers) {
                if (!writer->trajectory(*trajectory, error))
                    return false;
            }
            warnUnreadable(session, trajectory->unreadable);
        }
        m_progress.reach(i + 1);
    }
    return true;
}

bool SessionRendering::sideBySide(std::vector<std::unique_ptr<store::Store>>& readers, QString* error)
{
    const size_t hold = holdLimit();
    SessionTurns turns(m_sessions.size(), hold * readers.size());
    std::vector<std::thread> workers;
    for (auto& reader : readers)
        workers.emplace_back([this, &turns, hold, &reader] { renderClaimed(*reader, turns, hold); });
    const auto joinWorkers = qScopeGuard([&] {
        for (auto& worker : workers)
            worker.join();
    });
    // This thread reports progress and asks about cancellation while they work.
    size_t written = 0;
    while (written < m_sessions.size()) {
        const auto [now, stopped] = turns.writeHandedIn(written, std::chrono::milliseconds(100));
        if (stopped) {
            *error = turns.error();
            return false;
        }
        if (now != written)
            m_progress.reach(now);
        written = now;
        if (cancelled(error)) {
            turns.stop(*error);
            return false;
        }
    }
    return true;
}

void SessionRendering::renderClaimed(store::Store& reader, SessionTurns& turns, size_t hold)
{
    SessionCapture capture(hold);
    SessionCapture::Held buffers;
    while (const auto index = turns.claim()) {
        const SessionToExport& session = m_sessions[*index];
        std::optional<Trajectory> trajectory;
        QString why;
        if (!derive(reader, session, {}, &trajectory, &why)) {
            turns.stop(why);
            return;
        }
        ExportStats counted;
        counted.stepsByFamily.assign(families::all().size(), 0);
        std::vector<UnreadableEvent> unreadable;
        if (trajectory) {
            countSteps(*trajectory, counted);
            counted.events = session.events;
            unreadable = trajectory->unreadable;
        }
        capture.begin([&turns, index](QString* turnError) { return turns.waitForTurn(*index, turnError); },
                      std::exchange(buffers, {}));
        bool ok = true;
        for (auto& writer : m_writers) {
            if (trajectory && ok)
                ok = writer->trajectory(*trajectory, &why);
        }
        // Freed here, on the thread that built it, before waiting on anything: glibc
        // frees a block of another thread's arena under that arena's lock, and a
        // session's steps are many small blocks.
        trajectory.reset();
        auto done = [this, &session, counted = std::move(counted), unreadable = std::move(unreadable)] {
            addStats(m_stats, counted);
            warnUnreadable(session, unreadable);
        };
        if (ok && capture.tookTurn()) {
            ok = capture.commit(&why);
            if (ok)
                turns.passTurn(done);
        } else if (ok) {
            ok = turns.handIn(*index, capture.takeHeld(), std::move(done), &buffers, &why);
        }
        if (!ok) {
            turns.stop(why);
            return;
        }
    }
}

bool SessionRendering::derive(store::Store& from, const SessionToExport& session,
                              const std::function<bool(const v1::Event&, QString*)>& onEvent,
                              std::optional<Trajectory>* out, QString* why) const
{
    if (m_options.acceptedOnly) {
        const auto annotations = from.annotations(session.id, why);
        if (!annotations)
            return false;
        QList<v1::Annotation> sessionAnnotations;
        for (const auto& annotation : *annotations) {
            if (QString::fromStdString(annotation.target_id()) == session.id)
                sessionAnnotations.append(annotation);
        }
        if (store::vocabulary::latestVerdict(sessionAnnotations) != v1::Annotation::VERDICT_ACCEPTED) {
            out->reset();
            return true;
        }
    }
    // A very long session is outlined, and its steps derived again a page at a time as
    // the writers go: memory stays that of its outline, not of all its steps.
    const auto keep =
        session.events > outlineAboveEvents() ? TrajectoryBuilder::Keep::Outline : TrajectoryBuilder::Keep::Whole;
    *out = TrajectoryBuilder::load(from, session.id, m_options.trajectory, onEvent, why, keep);
    return out->has_value();
}

bool SessionRendering::cancelled(QString* error) const
{
    if (!m_options.cancelled || !m_options.cancelled())
        return false;
    *error = QStringLiteral("export cancelled");
    return true;
}

} // namespace trailmark::chains
