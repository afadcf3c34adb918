#include "capture/import/HistoryImporter.h"

#include "capture/import/AtuinHistoryReader.h"
#include "capture/import/BashHistoryParser.h"
#include "capture/import/ImportRun.h"
#include "capture/import/ZshHistoryParser.h"

#include <QFile>
#include <QFileInfo>

#include <spdlog/spdlog.h>

namespace trailmark::capture {
namespace {

// Reading, for zsh and bash: the whole file, refused when it is an SQLite database.
std::optional<QByteArray> readHistoryText(const ImportOptions& options, const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    QByteArray data = file.readAll();
    if (data.startsWith(QByteArrayView("SQLite format 3", 16))) {
        *error = QStringLiteral("%1 is an SQLite database, not a %2 file (an atuin database? use --format atuin)")
                     .arg(path, historyFormatName(options.format));
        return std::nullopt;
    }
    return data;
}

} // namespace

QString historyFormatName(HistoryFormat format)
{
    switch (format) {
    case HistoryFormat::Atuin:
        return QStringLiteral("atuin");
    case HistoryFormat::ZshHistory:
        return QStringLiteral("zsh-history");
    case HistoryFormat::BashHistory:
        return QStringLiteral("bash-history");
    }
    return {};
}

std::optional<HistoryFormat> historyFormatFromName(const QString& name)
{
    for (HistoryFormat format : {HistoryFormat::Atuin, HistoryFormat::ZshHistory, HistoryFormat::BashHistory}) {
        if (historyFormatName(format) == name)
            return format;
    }
    return std::nullopt;
}

HistoryImporter::HistoryImporter(store::Store& store, const Redactor& redactor)
    : m_store(store)
    , m_redactor(redactor)
{}

std::optional<ImportSummary> HistoryImporter::run(const ImportOptions& options, const ProblemVisitor& onProblem,
                                                  QString* error)
{
    const QFileInfo info(options.path);
    if (!info.exists()) {
        *error = QStringLiteral("no such file: %1").arg(options.path);
        return std::nullopt;
    }
    if (!info.isFile()) {
        *error = QStringLiteral("%1 is not a file").arg(options.path);
        return std::nullopt;
    }
    // The canonical path, so the same file reached by another name has the same keys.
    const QString path = info.canonicalFilePath();
    ImportRun run(m_store, m_redactor, options, path);
    if (!run.prepared(error))
        return std::nullopt;
    const ProblemVisitor countingProblem = [&](const ImportProblem& problem) {
        ++run.summary.problems;
        onProblem(problem);
    };
    const CommandVisitor onCommand = [&run](const ImportedCommand& command, QString* visitError) {
        return run.onCommand(command, visitError);
    };

    bool read = false;
    if (options.format == HistoryFormat::Atuin) {
        read = AtuinHistoryReader::read(path, onCommand, countingProblem, &run.summary.deleted, error);
    } else {
        const auto data = readHistoryText(options, path, error);
        if (!data)
            return std::nullopt;
        read = options.format == HistoryFormat::ZshHistory
                   ? ZshHistoryParser::parse(*data, onCommand, countingProblem, error)
                   : BashHistoryParser::parse(*data, onCommand, countingProblem, error);
    }
    // What was read before a failure is kept and committed: every command went in with
    // its key, so a second run resumes where this one stopped.
    QString finishError;
    const bool finished = run.finish(&finishError);
    if (!read)
        return std::nullopt;
    if (!finished) {
        *error = finishError;
        return std::nullopt;
    }
    spdlog::info("imported {} commands from {} ({} already there, {} problems)", run.summary.commands,
                 path.toStdString(), run.summary.alreadyImported, run.summary.problems);
    return run.summary;
}

} // namespace trailmark::capture
