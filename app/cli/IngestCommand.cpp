#include "capture/redact/RedactionRules.h"
#include "capture/redact/Redactor.h"
#include "capture/shell/ShellSessionRouter.h"
#include "capture/shell/SpoolDirectory.h"
#include "capture/shell/SpoolIngester.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/EventWriter.h"
#include "store/PrivateFiles.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

// Where records land: see ShellSessionRouter (the recording session if one is open,
// else one session per shell).
int runIngest(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Store the shell commands and notes waiting in the spool directory, once, then exit.\n"
                       "They go to the session being recorded, if there is one; otherwise each shell\n"
                       "gets its own session (platform linux-shell). Fully stored spool files of shells\n"
                       "that have ended are deleted."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.addOption({QStringLiteral("spool"),
                      QStringLiteral("Spool directory (default: $TRAILMARK_SPOOL_DIR, else "
                                     "$XDG_RUNTIME_DIR/trailmark)."),
                      QStringLiteral("DIR")});
    parser.process(context.arguments);
    if (const int status = context.refusePositionalArguments(parser))
        return status;
    const QString spool =
        parser.isSet(QStringLiteral("spool")) ? parser.value(QStringLiteral("spool")) : capture::spoolDirectory();

    // Secrets are redacted before anything is stored; a broken rules file stops here
    // rather than letting through what its rules should catch.
    QString rulesError;
    const auto rules = capture::RedactionRules::load(&rulesError);
    if (!rules)
        return context.fail(rulesError);
    const capture::Redactor redactor(*rules);
    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    store::EventWriter writer(*store);
    capture::ShellSessionRouter router(*store, writer);
    router.addFilter(&redactor);
    QString error;
    if (!router.prepare(&error))
        return context.fail(error);
    capture::SpoolIngester ingester(
        spool, [&router](const capture::SpoolFileName& name, QString* why) { return router.sinkFor(name, why); },
        [&writer](QString* why) { return writer.flush(why); });
    capture::SpoolIngester::Result result;
    const bool ok = ingester.ingestAll(&result, &error) && router.finish(&error);
    for (const QString& warning : std::as_const(result.warnings))
        context.err << "trailmark ingest: warning: " << warning << Qt::endl;
    if (!ok)
        return context.fail(error);

    if (parser.isSet(QStringLiteral("json"))) {
        context.printJson(QJsonDocument(QJsonObject{
            {QStringLiteral("spool"), spool},
            {QStringLiteral("events"), result.events},
            {QStringLiteral("malformed_lines"), result.malformedLines},
            {QStringLiteral("files_removed"), result.filesRemoved},
            {QStringLiteral("recording_session"), router.recordingSessionId()},
            {QStringLiteral("created_sessions"), QJsonArray::fromStringList(router.createdSessionIds())},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(result.warnings)},
        }));
    } else {
        context.out << "Stored " << result.events << " events from " << spool;
        if (!router.recordingSessionId().isEmpty())
            context.out << " into the recording session " << router.recordingSessionId();
        context.out << "." << Qt::endl;
        if (result.malformedLines > 0)
            context.out << result.malformedLines << " malformed spool lines skipped (see warnings)." << Qt::endl;
    }
    return 0;
}

} // namespace trailmark::cli
