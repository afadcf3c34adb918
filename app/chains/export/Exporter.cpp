#include "chains/export/Exporter.h"

#include "chains/Step.h"
#include "chains/StepOutline.h"
#include "chains/export/FormatWriters.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Store.h"
#include "store/Uuid.h"
#include "store/Vocabulary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QScopeGuard>
#include <QSet>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace trailmark::chains {
namespace {

QString extensionFor(const QByteArray& bytes)
{
    if (bytes.startsWith("\x89PNG"))
        return QStringLiteral("png");
    if (bytes.startsWith("\xff\xd8"))
        return QStringLiteral("jpg");
    if (bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP")
        return QStringLiteral("webp");
    return QStringLiteral("bin");
}

bool writeWholeFile(const QString& path, const QByteArray& bytes, QString* error)
{
    return OutputFile::writeWhole(path, std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), error);
}

size_t familyIndex(const Family* family)
{
    const auto all = families::all();
    return static_cast<size_t>(std::find(all.begin(), all.end(), family) - all.begin());
}

struct SessionToExport
{
    QString id;
    qint64 startedNs = 0;
    qint64 events = 0;
};

// Sessions in flight on the worker threads. Workers render sessions side by side, and
// the files get them strictly in session order, so they are those of one thread, byte
// for byte. A worker that finishes a session hands its bytes in and goes on with the
// next session; the calling thread writes what was handed in, in order. (A worker that
// waited for its turn instead would idle while an earlier session is still rendered.) A
// session that outgrows the hold limit waits for its turn and writes the rest itself.
class SessionTurns
{
public:
    // handInLimit: bytes that may wait, handed in, for their turn (sessions after the
    // next one wait to hand theirs in beyond it).
    SessionTurns(size_t sessions, size_t handInLimit)
        : m_sessions(sessions)
        , m_handInLimit(handInLimit)
    {}

    // The next session to derive, or none when all are claimed or the export stopped.
    std::optional<size_t> claim()
    {
        std::lock_guard lock(m_mutex);
        if (m_stopped || m_claimed >= m_sessions)
            return std::nullopt;
        return m_claimed++;
    }
    // Blocks until session is the one to be written; false once the export stopped.
    bool waitForTurn(size_t session, QString* error)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_stopped || m_written == session; });
        return !stoppedWith(error);
    }
    // Called by the session that took its turn, once all of it is written: runs done
    // (under the lock, in session order) and hands the turn on.
    void passTurn(const std::function<void()>& done)
    {
        std::lock_guard lock(m_mutex);
        done();
        ++m_written;
        m_changed.notify_all();
    }
    // A rendered session's bytes, written in its turn by writeHandedIn(), which then runs
    // done (under the lock, in session order). Blocks while more than the limit waits
    // already, unless the session is next. Gives back the emptied buffers of a written
    // session, when there are any, for the worker's next capture.
    bool handIn(size_t session, SessionCapture::Held held, std::function<void()> done, SessionCapture::Held* buffers,
                QString* error)
    {
        size_t bytes = 0;
        for (const auto& pending : held)
            bytes += pending.second.size();
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] {
            return m_stopped || session == m_written || m_handedIn.empty() || m_handedInBytes + bytes <= m_handInLimit;
        });
        if (stoppedWith(error))
            return false;
        m_handedIn.emplace(session, HandedIn{std::move(held), std::move(done), bytes});
        m_handedInBytes += bytes;
        if (!m_spareBuffers.empty()) {
            *buffers = std::move(m_spareBuffers.back());
            m_spareBuffers.pop_back();
        }
        m_changed.notify_all();
        return true;
    }
    // On the calling thread: waits up to timeout for something to happen, then writes
    // the handed-in sessions whose turn it is. How many sessions are written, and
    // whether the export stopped.
    std::pair<size_t, bool> writeHandedIn(size_t seen, std::chrono::milliseconds timeout)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait_for(lock, timeout,
                           [&] { return m_stopped || m_written != seen || m_handedIn.count(m_written) > 0; });
        while (!m_stopped) {
            const auto next = m_handedIn.find(m_written);
            if (next == m_handedIn.end())
                break;
            HandedIn session = std::move(next->second);
            m_handedIn.erase(next);
            lock.unlock();
            QString writeError;
            const bool written = SessionCapture::writeHeld(session.held, &writeError);
            lock.lock();
            if (!written) {
                stopLocked(writeError);
                break;
            }
            session.done();
            m_handedInBytes -= session.bytes;
            if (m_spareBuffers.size() < kSpareBuffers)
                m_spareBuffers.push_back(std::move(session.held));
            ++m_written;
            m_changed.notify_all();
        }
        return {m_written, m_stopped};
    }
    // Stops every worker; the first reason given is the export's error.
    void stop(const QString& reason)
    {
        std::lock_guard lock(m_mutex);
        stopLocked(reason);
    }
    QString error()
    {
        std::lock_guard lock(m_mutex);
        return m_error;
    }

private:
    struct HandedIn
    {
        SessionCapture::Held held;
        std::function<void()> done;
        size_t bytes = 0;
    };
    // Written sessions' buffers kept for reuse: about one per worker.
    static constexpr size_t kSpareBuffers = 8;

    void stopLocked(const QString& reason)
    {
        if (!m_stopped)
            m_error = reason;
        m_stopped = true;
        m_changed.notify_all();
    }
    bool stoppedWith(QString* error) const
    {
        if (m_stopped)
            *error = QStringLiteral("export stopped");
        return m_stopped;
    }

    const size_t m_sessions;
    const size_t m_handInLimit;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_claimed = 0;
    size_t m_written = 0;
    bool m_stopped = false;
    QString m_error;
    std::map<size_t, HandedIn> m_handedIn;
    size_t m_handedInBytes = 0;
    std::vector<SessionCapture::Held> m_spareBuffers;
};

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

QString Exporter::markerName()
{
    return QStringLiteral(".trailmark-export");
}

bool Exporter::checkOutput(const QString& outDir, bool force, QString* error)
{
    const QFileInfo info(outDir);
    if (!info.exists())
        return true;
    if (!info.isDir()) {
        *error = QStringLiteral("%1 exists and is not a folder").arg(outDir);
        return false;
    }
    const QDir dir(outDir);
    if (dir.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot))
        return true;
    if (!force) {
        *error = QStringLiteral("%1 exists and is not empty; choose another --out, or pass --force to replace it")
                     .arg(outDir);
        return false;
    }
    if (!QFileInfo::exists(dir.filePath(markerName()))) {
        *error = QStringLiteral("refusing to replace %1: it is not a Trailmark export (no %2 in it), and --force only "
                                "replaces earlier exports")
                     .arg(outDir, markerName());
        return false;
    }
    return true;
}

std::optional<ExportStats> Exporter::run(store::Store& store, const ExportOptions& options, QString* error)
{
    const QString outDir = QDir::cleanPath(QFileInfo(options.outDir).absoluteFilePath());
    if (!checkOutput(outDir, options.force, error))
        return std::nullopt;

    // Which sessions, in a fixed order.
    const auto summaries = store.sessionSummaries(error);
    if (!summaries)
        return std::nullopt;
    std::vector<SessionToExport> sessions;
    const QSet<QString> wanted(options.sessionIds.cbegin(), options.sessionIds.cend());
    for (const auto& summary : *summaries) {
        const QString id = QString::fromStdString(summary.session.id());
        if (!wanted.isEmpty() && !wanted.contains(id))
            continue;
        sessions.push_back({id, summary.session.started_ns(), summary.eventCount});
    }
    std::sort(sessions.begin(), sessions.end(), [](const SessionToExport& a, const SessionToExport& b) {
        return a.startedNs != b.startedNs ? a.startedNs < b.startedNs : a.id < b.id;
    });
    qint64 totalEvents = 0;
    for (const auto& session : sessions)
        totalEvents += session.events;

    // Write next to the target, then swap in.
    const QString partial = QStringLiteral("%1.partial-%2").arg(outDir).arg(QCoreApplication::applicationPid());
    QDir(partial).removeRecursively();
    if (!QDir().mkpath(partial)) {
        *error = QStringLiteral("cannot create %1").arg(partial);
        return std::nullopt;
    }
    auto cleanup = qScopeGuard([&] { QDir(partial).removeRecursively(); });

    QStringList formats;
    for (const QString& format : knownFormats()) {
        if (options.formats.contains(format))
            formats.append(format);
    }
    // Screenshot paths are asked for from every export thread.
    std::mutex imageMutex;
    QHash<QString, QString> copiedImages; // sha256 hex -> relative path
    ExportStats stats;
    stats.stepsByFamily.assign(families::all().size(), 0);
    ExportContext context;
    context.root = partial;
    context.trailmarkVersion = options.trailmarkVersion;
    context.toolStyle = options.toolStyle;
    context.formats = formats;
    context.imagePath = [&](const QString& sha256Hex) -> QString {
        std::lock_guard lock(imageMutex);
        if (const auto copied = copiedImages.constFind(sha256Hex); copied != copiedImages.cend())
            return *copied;
        const QByteArray key = QByteArray::fromHex(sha256Hex.toLatin1());
        QString blobError;
        const auto bytes = store.blob(key, &blobError);
        if (!bytes) {
            spdlog::warn("export: screenshot {} is missing: {}", sha256Hex.toStdString(), blobError.toStdString());
            return {};
        }
        const QString relative = QStringLiteral("images/%1.%2").arg(sha256Hex, extensionFor(*bytes));
        QString writeError;
        if (!writeWholeFile(partial + QLatin1Char('/') + relative, *bytes, &writeError)) {
            spdlog::warn("export: {}", writeError.toStdString());
            return {};
        }
        copiedImages.insert(sha256Hex, relative);
        ++stats.images;
        return relative;
    };

    std::vector<std::unique_ptr<FormatWriter>> writers;
    for (const QString& format : formats)
        writers.push_back(makeFormatWriter(format));
    if (wantsDatasetInfo(formats))
        writers.push_back(makeDatasetInfoWriter());
    for (auto& writer : writers) {
        if (!writer->begin(context, error))
            return std::nullopt;
    }

    qint64 doneEvents = 0;
    const auto cancelled = [&options, error] {
        if (!options.cancelled || !options.cancelled())
            return false;
        *error = QStringLiteral("export cancelled");
        return true;
    };
    const bool writersWantEvents =
        std::any_of(writers.begin(), writers.end(), [](const auto& writer) { return writer->wantsEvents(); });
    // One session's trajectory, or nothing when --accepted-only leaves it out; false on
    // an error. onEvent sees every event (writers that want them; cancellation).
    const auto derive = [&options](store::Store& from, const SessionToExport& session,
                                   const std::function<bool(const v1::Event&, QString*)>& onEvent,
                                   std::optional<Trajectory>* out, QString* why) {
        if (options.acceptedOnly) {
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
        // A very long session is outlined, and its steps derived again a page at a time
        // as the writers go: memory stays that of its outline, not of all its steps.
        const auto keep =
            session.events > outlineAboveEvents() ? TrajectoryBuilder::Keep::Outline : TrajectoryBuilder::Keep::Whole;
        *out = TrajectoryBuilder::load(from, session.id, options.trajectory, onEvent, why, keep);
        return out->has_value();
    };
    const auto write = [&](const SessionToExport& session, const Trajectory& trajectory) {
        countSteps(trajectory, stats);
        for (auto& writer : writers) {
            if (!writer->trajectory(trajectory, error))
                return false;
        }
        warnUnreadable(session, trajectory.unreadable);
        return true;
    };

    // Sessions are independent: unless a writer wants every event as it is read, each
    // core derives and renders sessions of its own on a read-only connection, and the
    // rendered rows reach the files in session order (SessionCapture). Memory is that of
    // one session's steps and at most holdLimit() of rows per thread.
    const int threads = writersWantEvents || sessions.size() < 2 ? 1 : exportThreads();
    std::vector<std::unique_ptr<store::Store>> readers;
    for (int i = 0; i < threads && threads > 1; ++i) {
        QString openError;
        auto reader = store::Store::open(store.path(), store::Store::Access::ReadOnly, &openError);
        if (!reader) {
            spdlog::info("export: {} thread(s) only ({})", readers.size(), openError.toStdString());
            break;
        }
        readers.push_back(std::move(reader));
    }
    if (readers.size() > 1) {
        const size_t hold = holdLimit();
        SessionTurns turns(sessions.size(), hold * readers.size());
        const auto work = [&](store::Store& reader) {
            SessionCapture capture(hold);
            SessionCapture::Held buffers;
            while (const auto index = turns.claim()) {
                const SessionToExport& session = sessions[*index];
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
                for (auto& writer : writers) {
                    if (trajectory && ok)
                        ok = writer->trajectory(*trajectory, &why);
                }
                // Freed here, on the thread that built it, before waiting on anything:
                // glibc frees a block of another thread's arena under that arena's
                // lock, and a session's steps are many small blocks.
                trajectory.reset();
                auto done = [&stats, &session, counted = std::move(counted), unreadable = std::move(unreadable)] {
                    addStats(stats, counted);
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
        };
        std::vector<std::thread> workers;
        for (auto& reader : readers)
            workers.emplace_back(work, std::ref(*reader));
        const auto joinWorkers = qScopeGuard([&] {
            for (auto& worker : workers)
                worker.join();
        });
        // This thread reports progress and asks about cancellation while they work.
        size_t written = 0;
        while (written < sessions.size()) {
            const auto [now, stopped] = turns.writeHandedIn(written, std::chrono::milliseconds(100));
            if (stopped) {
                *error = turns.error();
                return std::nullopt;
            }
            if (now != written && options.progress) {
                qint64 done = 0;
                for (size_t i = 0; i < now; ++i)
                    done += sessions[i].events;
                options.progress(done, totalEvents);
            }
            written = now;
            if (cancelled()) {
                turns.stop(*error);
                return std::nullopt;
            }
        }
    } else {
        for (const auto& session : sessions) {
            if (cancelled())
                return std::nullopt;
            std::optional<Trajectory> trajectory;
            const bool ok = derive(
                store, session,
                [&](const v1::Event& event, QString* eventError) {
                    if (++stats.events % 4096 == 0 && cancelled()) {
                        *eventError = *error;
                        return false;
                    }
                    for (auto& writer : writers) {
                        if (!writer->event(event, eventError))
                            return false;
                    }
                    return true;
                },
                &trajectory, error);
            if (!ok)
                return std::nullopt;
            if (trajectory && !write(session, *trajectory))
                return std::nullopt;
            doneEvents += session.events;
            if (options.progress)
                options.progress(doneEvents, totalEvents);
        }
    }
    for (auto& writer : writers) {
        if (!writer->finish(stats, error))
            return std::nullopt;
    }
    if (!writeWholeFile(partial + QLatin1Char('/') + markerName(),
                        QByteArrayLiteral("Written by `trailmark export`; `--force` may replace this folder.\n"),
                        error))
        return std::nullopt;

    // Swap in: the old export (if --force) moves aside and is deleted only after the
    // new one is in place.
    const QString previous = QStringLiteral("%1.previous-%2").arg(outDir).arg(QCoreApplication::applicationPid());
    const bool hadOld = QFileInfo::exists(outDir);
    if (hadOld && !QDir().rename(outDir, previous)) {
        *error = QStringLiteral("cannot move the old %1 aside").arg(outDir);
        return std::nullopt;
    }
    if (!QDir().rename(partial, outDir)) {
        *error = QStringLiteral("cannot move the export into %1").arg(outDir);
        if (hadOld)
            QDir().rename(previous, outDir);
        return std::nullopt;
    }
    cleanup.dismiss();
    if (hadOld)
        QDir(previous).removeRecursively();
    return stats;
}

} // namespace trailmark::chains
