#include "chains/export/Exporter.h"

#include "chains/Step.h"
#include "chains/export/FormatWriters.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Store.h"
#include "store/Uuid.h"
#include "store/Vocabulary.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QScopeGuard>
#include <QSet>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

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

size_t familyIndex(const EventFamily* family)
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

// One session as the deriving thread hands it over: its trajectory, none (left out by
// --accepted-only), or the error that stops the export.
struct DerivedSession
{
    bool ok = false;
    std::optional<Trajectory> trajectory;
    QString error;
};

// Derived sessions in order, from the thread that derives them to the one that writes,
// at most kAhead waiting: memory is a few sessions' steps whatever the dataset.
class TrajectoryPipeline
{
public:
    // Blocks while kAhead wait; false once stopped.
    bool push(DerivedSession session)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_stopped || m_queue.size() < kAhead; });
        if (m_stopped)
            return false;
        m_queue.push_back(std::move(session));
        m_changed.notify_all();
        return true;
    }
    DerivedSession pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_queue.empty(); });
        DerivedSession session = std::move(m_queue.front());
        m_queue.pop_front();
        m_changed.notify_all();
        return session;
    }
    // A written trajectory goes back to the thread that built it, to be freed there:
    // glibc frees memory of another thread's arena under that arena's lock, and a
    // session's steps are hundreds of thousands of small blocks.
    void recycle(std::optional<Trajectory> written)
    {
        std::lock_guard lock(m_mutex);
        m_written.push_back(std::move(written));
    }
    std::vector<std::optional<Trajectory>> takeWritten()
    {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_written, {});
    }
    void stop()
    {
        std::lock_guard lock(m_mutex);
        m_stopped = true;
        m_changed.notify_all();
    }
    bool stopped()
    {
        std::lock_guard lock(m_mutex);
        return m_stopped;
    }

private:
    static constexpr size_t kAhead = 3;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<DerivedSession> m_queue;
    std::vector<std::optional<Trajectory>> m_written;
    bool m_stopped = false;
};

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
    QSet<QString> copiedImages;
    ExportStats stats;
    stats.stepsByFamily.assign(families::all().size(), 0);
    ExportContext context;
    context.root = partial;
    context.trailmarkVersion = options.trailmarkVersion;
    context.toolStyle = options.toolStyle;
    context.formats = formats;
    context.imagePath = [&](const QString& sha256Hex) -> QString {
        const QByteArray key = QByteArray::fromHex(sha256Hex.toLatin1());
        QString blobError;
        const auto bytes = store.blob(key, &blobError);
        if (!bytes) {
            spdlog::warn("export: screenshot {} is missing: {}", sha256Hex.toStdString(), blobError.toStdString());
            return {};
        }
        const QString relative = QStringLiteral("images/%1.%2").arg(sha256Hex, extensionFor(*bytes));
        if (!copiedImages.contains(sha256Hex)) {
            QString writeError;
            if (!writeWholeFile(partial + QLatin1Char('/') + relative, *bytes, &writeError)) {
                spdlog::warn("export: {}", writeError.toStdString());
                return {};
            }
            copiedImages.insert(sha256Hex);
            ++stats.images;
        }
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
        *out = TrajectoryBuilder::load(from, session.id, options.trajectory, onEvent, why);
        return out->has_value();
    };
    const auto write = [&](const SessionToExport& session, const Trajectory& trajectory) {
        ++stats.sessions;
        stats.unreadableEvents += static_cast<qint64>(trajectory.unreadable.size());
        for (const Step& step : trajectory.steps) {
            ++stats.steps;
            ++stats.stepsByFamily[familyIndex(step.family)];
            stats.errors += step.outcome == StepOutcome::Error;
            stats.retries += step.retryOf >= 0;
            stats.recoveries += step.recovers >= 0;
            stats.ratedSteps += step.rating().has_value();
        }
        if (!exportutil::hasAction(trajectory))
            ++stats.skippedSessions;
        for (auto& writer : writers) {
            if (!writer->trajectory(trajectory, error))
                return false;
        }
        for (const auto& unreadable : trajectory.unreadable)
            spdlog::warn("export: session {} event seq {} is unreadable ({}); exported without it",
                         session.id.toStdString(), unreadable.seq, unreadable.error.toStdString());
        return true;
    };

    // Sessions are independent: unless a writer wants every event as it is read, a
    // second connection derives the next sessions on another core while this thread
    // writes, a few sessions ahead at most (memory stays that of a few sessions).
    std::unique_ptr<store::Store> reader;
    // TRAILMARK_EXPORT_THREADS=1: one thread (to compare, or on a one-core machine).
    const bool oneThread = qEnvironmentVariableIntValue("TRAILMARK_EXPORT_THREADS") == 1;
    if (!writersWantEvents && sessions.size() > 1 && !oneThread) {
        QString openError;
        reader = store::Store::open(store.path(), store::Store::Access::ReadOnly, &openError);
        if (!reader)
            spdlog::info("export: one core only ({})", openError.toStdString());
    }
    if (reader) {
        TrajectoryPipeline pipeline;
        std::thread producer([&] {
            for (size_t i = 0; i < sessions.size() && !pipeline.stopped(); ++i) {
                pipeline.takeWritten(); // freed here, on the thread that allocated them
                DerivedSession derived;
                derived.ok = derive(*reader, sessions[i], {}, &derived.trajectory, &derived.error);
                if (!pipeline.push(std::move(derived)))
                    return;
            }
        });
        const auto stopProducer = qScopeGuard([&] {
            pipeline.stop();
            producer.join();
            pipeline.takeWritten();
        });
        for (size_t i = 0; i < sessions.size(); ++i) {
            if (cancelled())
                return std::nullopt;
            DerivedSession derived = pipeline.pop();
            if (!derived.ok) {
                *error = derived.error;
                return std::nullopt;
            }
            if (derived.trajectory && !write(sessions[i], *derived.trajectory))
                return std::nullopt;
            stats.events += derived.trajectory ? sessions[i].events : 0;
            pipeline.recycle(std::move(derived.trajectory));
            doneEvents += sessions[i].events;
            if (options.progress)
                options.progress(doneEvents, totalEvents);
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
