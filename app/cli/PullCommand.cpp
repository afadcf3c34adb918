#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QCommandLineParser>

namespace trailmark::cli {

int runPull(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Bring sessions from the team store into the local file, for review: events, images and annotations, with "
        "every reviewer redaction made on the server applied. Safe to repeat: a pull that was cut off resumes. "
        "Without sessions: the ones you have claimed for review."));
    parser.addHelpOption();
    parser.addOption(teamOption());
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("Session ids (or unique prefixes)."),
                                 QStringLiteral("[SESSION...]"));
    parser.process(context.arguments);
    QString error;
    auto team = team::TeamStore::connect(team::TeamStore::connectionString(parser.value(teamOption())), &error);
    if (!team)
        return context.fail(error);
    QStringList ids;
    if (parser.positionalArguments().isEmpty()) {
        const auto queue = team->queue(&error);
        if (!queue)
            return context.fail(error);
        for (const auto& claim : queue->claims) {
            if (claim.isOpen())
                ids.append(claim.sessionId);
        }
        if (ids.isEmpty()) {
            context.out << "No open claims to pull; name sessions, or claim one with `trailmark team claim`.\n";
            return 0;
        }
    } else {
        const auto sessions = team->sessions(&error);
        if (!sessions)
            return context.fail(error);
        if (!resolveTeamSessions(*team, *sessions, parser.positionalArguments(), &ids, &error))
            return context.fail(error);
    }
    auto local = context.openStore(store::Store::Access::ReadWrite);
    if (!local)
        return 1;
    int failures = 0;
    for (const QString& id : ids) {
        const auto report = team->pull(*local, id, {}, &error);
        if (!report) {
            context.err << "trailmark pull: " << error << '\n';
            ++failures;
            if (!team->connection().isAlive())
                break;
            continue;
        }
        reportPull(context, *report);
    }
    return failures == 0 ? 0 : 1;
}

} // namespace trailmark::cli
