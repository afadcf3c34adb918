#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QCommandLineParser>

namespace trailmark::cli {

int runPush(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Upload finished sessions, with their events and annotations, to the team store. Safe to repeat: a push that "
        "was cut off resumes, and nothing is stored twice."));
    parser.addHelpOption();
    parser.addOption(teamOption());
    parser.addOption({QStringLiteral("all-finished"), QStringLiteral("Push every finished session.")});
    parser.addOption({QStringLiteral("task"),
                      QStringLiteral("The campaign task these sessions were recorded for (its id or title). Without it "
                                     "a session joins the one task titled as its own task text, if there is one."),
                      QStringLiteral("TASK")});
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("Session ids (or unique prefixes)."),
                                 QStringLiteral("[SESSION...]"));
    parser.process(context.arguments);
    const bool all = parser.isSet(QStringLiteral("all-finished"));
    if (parser.positionalArguments().isEmpty() == !all)
        return context.usageError(QStringLiteral("name the sessions to push, or pass --all-finished"));

    auto local = context.openStore(store::Store::Access::ReadOnly);
    if (!local)
        return 1;
    QString error;
    QStringList ids;
    if (all) {
        const auto summaries = local->sessionSummaries(&error);
        if (!summaries)
            return context.fail(error);
        for (auto it = summaries->crbegin(); it != summaries->crend(); ++it) {
            if (team::TeamStore::isPushable(it->session.state()) && it->decodeError.isEmpty())
                ids.append(QString::fromStdString(it->session.id()));
        }
    } else {
        for (const QString& given : parser.positionalArguments()) {
            const auto id = local->resolveSessionId(given, &error);
            if (!id)
                return context.fail(error);
            ids.append(*id);
        }
    }
    auto team = team::TeamStore::connect(team::TeamStore::connectionString(parser.value(teamOption())), &error);
    if (!team)
        return context.fail(error);
    int failures = 0;
    for (const QString& id : ids) {
        const auto report = team->push(*local, id, parser.value(QStringLiteral("task")), {}, &error);
        if (!report) {
            context.err << "trailmark push: " << error << '\n';
            ++failures;
            if (!team->connection().isAlive())
                break;
            continue;
        }
        context.out << id << ": " << report->events << " events on the team store";
        if (report->sent > 0)
            context.out << " (" << report->sent << " sent now)";
        else if (report->wasComplete)
            context.out << " (already there)";
        context.out << ", " << report->annotations << " annotations\n";
    }
    return failures == 0 ? 0 : 1;
}

} // namespace trailmark::cli
