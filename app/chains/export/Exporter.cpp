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
    for (const auto& session : sessions) {
        if (cancelled())
            return std::nullopt;
        if (options.acceptedOnly) {
            const auto annotations = store.annotations(session.id, error);
            if (!annotations)
                return std::nullopt;
            QList<v1::Annotation> sessionAnnotations;
            for (const auto& annotation : *annotations) {
                if (QString::fromStdString(annotation.target_id()) == session.id)
                    sessionAnnotations.append(annotation);
            }
            if (store::vocabulary::latestVerdict(sessionAnnotations) != v1::Annotation::VERDICT_ACCEPTED) {
                doneEvents += session.events;
                continue;
            }
        }
        auto trajectory = TrajectoryBuilder::load(
            store, session.id, options.trajectory,
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
            error);
        if (!trajectory)
            return std::nullopt;
        ++stats.sessions;
        stats.unreadableEvents += static_cast<qint64>(trajectory->unreadable.size());
        for (const Step& step : trajectory->steps) {
            ++stats.steps;
            ++stats.stepsByFamily[familyIndex(step.family)];
            stats.errors += step.outcome == StepOutcome::Error;
            stats.retries += step.retryOf >= 0;
            stats.recoveries += step.recovers >= 0;
            stats.ratedSteps += step.rating().has_value();
        }
        if (!exportutil::hasAction(*trajectory))
            ++stats.skippedSessions;
        for (auto& writer : writers) {
            if (!writer->trajectory(*trajectory, error))
                return std::nullopt;
        }
        for (const auto& unreadable : trajectory->unreadable)
            spdlog::warn("export: session {} event seq {} is unreadable ({}); exported without it",
                         session.id.toStdString(), unreadable.seq, unreadable.error.toStdString());
        doneEvents += session.events;
        if (options.progress)
            options.progress(doneEvents, totalEvents);
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
