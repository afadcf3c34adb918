#include "chains/export/Exporter.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/ExportSetup.h"

#include <QCommandLineParser>
#include <QElapsedTimer>

#include <unistd.h>

namespace trailmark::cli {
namespace {

// Progress on stderr: a bar redrawn in place on a terminal, a plain line every 10%
// otherwise (logs and CI stay readable).
class Progress
{
public:
    explicit Progress(QTextStream& err)
        : m_err(err)
        , m_terminal(::isatty(STDERR_FILENO) == 1)
    {
        m_clock.start();
    }

    void update(qint64 done, qint64 total)
    {
        if (total <= 0)
            return;
        const int percent = static_cast<int>(done * 100 / total);
        if (m_terminal) {
            if (m_clock.elapsed() - m_lastDrawMs < 100 && done < total)
                return;
            m_lastDrawMs = m_clock.elapsed();
            constexpr int kWidth = 30;
            const int filled = percent * kWidth / 100;
            m_err << "\rexporting [" << QString(filled, QLatin1Char('#')) << QString(kWidth - filled, QLatin1Char(' '))
                  << "] " << percent << "% (" << done << "/" << total << " events)";
            m_err.flush();
            m_drawn = true;
        } else if (percent / 10 > m_lastDecile) {
            m_lastDecile = percent / 10;
            m_err << "export: " << percent << "% (" << done << "/" << total << " events)" << Qt::endl;
        }
    }

    void done()
    {
        if (m_drawn)
            m_err << '\n';
    }

private:
    QTextStream& m_err;
    bool m_terminal;
    bool m_drawn = false;
    int m_lastDecile = 0;
    qint64 m_lastDrawMs = -1000;
    QElapsedTimer m_clock;
};

} // namespace

void addExportOptions(QCommandLineParser& parser)
{
    parser.addOption({QStringLiteral("format"), QStringLiteral("Comma-separated formats, or 'all'."),
                      QStringLiteral("FMT[,FMT...]")});
    parser.addOption({QStringLiteral("out"), QStringLiteral("Folder to create."), QStringLiteral("DIR")});
    parser.addOption(
        {QStringLiteral("session"), QStringLiteral("Export only this session (repeatable)."), QStringLiteral("ID")});
    parser.addOption({QStringLiteral("accepted-only"), QStringLiteral("Only sessions a reviewer accepted.")});
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace DIR when it holds an earlier export.")});
    parser.addOption({QStringLiteral("edit-style"),
                      QStringLiteral("How the chat formats write file edits: str_replace (a str_replace editor's "
                                     "calls, the default) or apply_patch (one unified diff)."),
                      QStringLiteral("STYLE"), QStringLiteral("str_replace")});
}

int readExportOptions(const CommandContext& context, const QCommandLineParser& parser, chains::ExportOptions* options)
{
    if (!parser.isSet(QStringLiteral("format")))
        return context.usageError(QStringLiteral("--format is required (one or more of: %1, or all)")
                                      .arg(chains::knownFormats().join(QStringLiteral(", "))));
    if (!parser.isSet(QStringLiteral("out")))
        return context.usageError(QStringLiteral("--out DIR is required"));
    const auto editStyle = chains::parseEditStyle(parser.value(QStringLiteral("edit-style")));
    if (!editStyle)
        return context.usageError(QStringLiteral("unknown --edit-style '%1'; use str_replace or apply_patch")
                                      .arg(parser.value(QStringLiteral("edit-style"))));
    options->toolStyle.edits = *editStyle;
    for (const QString& value : parser.values(QStringLiteral("format"))) {
        for (const QString& format : value.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = format.trimmed().toLower();
            if (name == QLatin1String("all")) {
                options->formats += chains::knownFormats();
            } else if (!chains::knownFormats().contains(name)) {
                return context.usageError(QStringLiteral("unknown format '%1'; known formats: %2")
                                              .arg(format, chains::knownFormats().join(QStringLiteral(", "))));
            } else {
                options->formats.append(name);
            }
        }
    }
    options->formats.removeDuplicates();
    if (options->formats.isEmpty())
        return context.usageError(QStringLiteral("--format names no format"));
    options->outDir = parser.value(QStringLiteral("out"));
    options->acceptedOnly = parser.isSet(QStringLiteral("accepted-only"));
    options->force = parser.isSet(QStringLiteral("force"));
    options->trailmarkVersion = QStringLiteral(TRAILMARK_VERSION);
    QString error;
    // Fail on a bad --out before opening or reading anything.
    if (!chains::Exporter::checkOutput(options->outDir, options->force, &error))
        return context.fail(error);
    return 0;
}

int exportFrom(const CommandContext& context, store::Store& store, chains::ExportOptions options)
{
    QString error;
    Progress progress(context.err);
    options.progress = [&](qint64 done, qint64 total) {
        progress.update(done, total);
    };
    const auto stats = chains::Exporter::run(store, options, &error);
    progress.done();
    if (!stats)
        return context.fail(error);
    context.err << "exported " << stats->sessions << " session(s), " << stats->steps << " step(s) (" << stats->errors
                << " errors, " << stats->retries << " retries, " << stats->recoveries << " recoveries) as "
                << options.formats.join(QLatin1Char(',')) << " into " << options.outDir;
    if (stats->skippedSessions > 0)
        context.err << "; " << stats->skippedSessions << " session(s) without actions left out of chat formats";
    if (stats->unreadableEvents > 0)
        context.err << "; " << stats->unreadableEvents << " unreadable event(s) skipped (see `trailmark verify`)";
    context.err << Qt::endl;
    return 0;
}

int runExport(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Export sessions as agent and reasoning chains into a folder that trainers load as it is.\n"
                       "Formats: %1.")
            .arg(chains::knownFormats().join(QStringLiteral(", "))));
    parser.addHelpOption();
    addExportOptions(parser);
    parser.process(context.arguments);
    if (const int status = context.refusePositionalArguments(parser))
        return status;
    chains::ExportOptions options;
    if (const int status = readExportOptions(context, parser, &options))
        return status;
    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    QString error;
    for (const QString& session : parser.values(QStringLiteral("session"))) {
        const auto id = store->resolveSessionId(session, &error);
        if (!id)
            return context.fail(error);
        options.sessionIds.append(*id);
    }
    return exportFrom(context, *store, std::move(options));
}

} // namespace trailmark::cli
