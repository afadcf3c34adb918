#include "capture/import/HistoryImporter.h"
#include "capture/redact/Redactor.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace trailmark::cli {
namespace {

// Enough to see what is wrong with a file without burying the summary.
constexpr qint64 kProblemsShown = 50;

} // namespace

int runImport(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Import a shell history as sessions of commands, with secrets redacted.\n"
                       "Importing the same file again adds nothing; a grown file adds its new commands."));
    parser.addHelpOption();
    parser.addOption(
        {QStringLiteral("format"), QStringLiteral("atuin, zsh-history or bash-history."), QStringLiteral("FORMAT")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("Task of the new sessions (default: generated)."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("gap"),
                      QStringLiteral("zsh/bash: a pause longer than this starts a new session (default 30)."),
                      QStringLiteral("MINUTES"), QStringLiteral("30")});
    parser.addPositionalArgument(QStringLiteral("FILE"),
                                 QStringLiteral("atuin's history.db, ~/.zsh_history or ~/.bash_history."));
    parser.process(context.arguments);

    if (parser.positionalArguments().size() != 1)
        return context.usageError(QStringLiteral("give exactly one FILE"));
    const auto format = capture::historyFormatFromName(parser.value(QStringLiteral("format")));
    if (!format)
        return context.usageError(parser.isSet(QStringLiteral("format"))
                                      ? QStringLiteral("unknown format '%1': use atuin, zsh-history or bash-history")
                                            .arg(parser.value(QStringLiteral("format")))
                                      : QStringLiteral("--format is required: atuin, zsh-history or bash-history"));
    bool gapOk = false;
    const qint64 gapMinutes = parser.value(QStringLiteral("gap")).toLongLong(&gapOk);
    if (!gapOk || gapMinutes < 1 || gapMinutes > 100'000)
        return context.usageError(QStringLiteral("--gap needs a whole number of minutes, at least 1"));

    QString error;
    // The user's redaction patterns apply to imports as to live capture; a broken
    // pattern file stops the import rather than letting secrets it should catch through.
    const auto rules = capture::RedactionRules::load(&error);
    if (!rules)
        return context.fail(error);
    const capture::Redactor redactor(*rules);

    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    capture::ImportOptions options;
    options.format = *format;
    options.path = parser.positionalArguments().first();
    options.task = parser.value(QStringLiteral("task"));
    options.idleGapNs = gapMinutes * 60 * 1'000'000'000;

    const QString shownPath = QFileInfo(options.path).filePath();
    qint64 problems = 0;
    const auto onProblem = [&](const capture::ImportProblem& problem) {
        if (++problems <= kProblemsShown)
            context.err << "trailmark import: " << shownPath << ':' << problem.line << ": " << problem.message
                        << ", skipped" << Qt::endl;
    };
    capture::HistoryImporter importer(*store, redactor);
    const auto summary = importer.run(options, onProblem, &error);
    if (problems > kProblemsShown)
        context.err << "trailmark import: ... and " << (problems - kProblemsShown) << " more problems" << Qt::endl;
    if (!summary)
        return context.fail(error);

    context.out << "Imported " << summary->commands << " commands from " << shownPath << " into "
                << summary->sessionsCreated << " new sessions";
    if (summary->sessionsContinued > 0)
        context.out << " (and " << summary->sessionsContinued << " earlier ones continued)";
    context.out << ".\n"
                << "  already imported: " << summary->alreadyImported << '\n'
                << "  opted out:        " << summary->optedOut << " (typed with a leading space)\n"
                << "  skipped:          " << summary->problems << (summary->problems ? " (see above)" : "") << '\n';
    if (*format == capture::HistoryFormat::Atuin)
        context.out << "  deleted in atuin: " << summary->deleted << '\n';
    context.out << "  redactions:       " << summary->redactions << '\n';
    for (const QString& id : summary->sessionIds)
        context.out << "  session " << id << '\n';
    return 0;
}

} // namespace trailmark::cli
