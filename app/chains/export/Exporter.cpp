#include "chains/export/Exporter.h"

#include "chains/export/FormatWriters.h"
#include "chains/export/ImageCopier.h"
#include "chains/export/SessionRendering.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

#include <utility>

namespace trailmark::chains {
namespace {

// The folder an export is written into, next to --out, and put in its place only when
// everything is written: a failed export leaves --out as it was. Removed unless it was
// put in place.
class StagingFolder
{
public:
    explicit StagingFolder(QString outDir)
        : m_outDir(std::move(outDir))
        , m_path(QStringLiteral("%1.partial-%2").arg(m_outDir).arg(QCoreApplication::applicationPid()))
    {}
    ~StagingFolder()
    {
        if (!m_inPlace)
            QDir(m_path).removeRecursively();
    }
    StagingFolder(const StagingFolder&) = delete;
    StagingFolder& operator=(const StagingFolder&) = delete;

    const QString& path() const { return m_path; }

    bool create(QString* error)
    {
        QDir(m_path).removeRecursively();
        if (!QDir().mkpath(m_path)) {
            *error = QStringLiteral("cannot create %1").arg(m_path);
            return false;
        }
        return true;
    }

    // Marks the folder as an export and swaps it in: the old export (if --force) moves
    // aside and is deleted only after the new one is in place.
    bool putInPlace(QString* error)
    {
        const QByteArray marker("Written by `trailmark export`; `--force` may replace this folder.\n");
        if (!OutputFile::writeWhole(m_path + QLatin1Char('/') + Exporter::markerName(),
                                    std::string_view(marker.constData(), static_cast<size_t>(marker.size())), error))
            return false;
        const QString previous = QStringLiteral("%1.previous-%2").arg(m_outDir).arg(QCoreApplication::applicationPid());
        const bool hadOld = QFileInfo::exists(m_outDir);
        if (hadOld && !QDir().rename(m_outDir, previous)) {
            *error = QStringLiteral("cannot move the old %1 aside").arg(m_outDir);
            return false;
        }
        if (!QDir().rename(m_path, m_outDir)) {
            *error = QStringLiteral("cannot move the export into %1").arg(m_outDir);
            if (hadOld)
                QDir().rename(previous, m_outDir);
            return false;
        }
        m_inPlace = true;
        if (hadOld)
            QDir(previous).removeRecursively();
        return true;
    }

private:
    const QString m_outDir;
    const QString m_path;
    bool m_inPlace = false;
};

// The formats asked for, in canonical order.
QStringList orderedFormats(const QStringList& asked)
{
    QStringList formats;
    for (const QString& format : knownFormats()) {
        if (asked.contains(format))
            formats.append(format);
    }
    return formats;
}

// A writer per format (and the dataset info the chat formats need), begun.
std::optional<std::vector<std::unique_ptr<FormatWriter>>> beginWriters(const ExportContext& context, QString* error)
{
    std::vector<std::unique_ptr<FormatWriter>> writers;
    for (const QString& format : context.formats)
        writers.push_back(makeFormatWriter(format));
    if (wantsDatasetInfo(context.formats))
        writers.push_back(makeDatasetInfoWriter());
    for (auto& writer : writers) {
        if (!writer->begin(context, error))
            return std::nullopt;
    }
    return writers;
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
    const auto sessions = selectSessions(store, options.sessionIds, error);
    if (!sessions)
        return std::nullopt;
    StagingFolder staging(outDir);
    if (!staging.create(error))
        return std::nullopt;

    ImageCopier images(store, staging.path());
    ExportContext context;
    context.root = staging.path();
    context.trailmarkVersion = options.trailmarkVersion;
    context.toolStyle = options.toolStyle;
    context.formats = orderedFormats(options.formats);
    context.imagePath = [&images](const QString& sha256Hex) {
        return images.pathFor(sha256Hex);
    };
    auto writers = beginWriters(context, error);
    if (!writers)
        return std::nullopt;

    ExportStats stats;
    stats.stepsByFamily.assign(families::all().size(), 0);
    if (!SessionRendering(options, *sessions, *writers, stats).run(store, error))
        return std::nullopt;
    stats.images = images.copied();
    for (auto& writer : *writers) {
        if (!writer->finish(stats, error))
            return std::nullopt;
    }
    if (!staging.putInPlace(error))
        return std::nullopt;
    return stats;
}

} // namespace trailmark::chains
