#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"

#include <QCommandLineParser>

namespace trailmark::cli {

int runTeamAdd(CommandContext& context, team::TeamStore& team, const QStringList& what,
               const QCommandLineParser& parser)
{
    QString error;
    if (what.value(1) == QLatin1String("campaign")) {
        if (what.size() != 3)
            return context.usageError(QStringLiteral("usage: team add campaign NAME"));
        const auto id = team.addCampaign(what.at(2), &error);
        if (!id)
            return context.fail(error);
        context.out << "Campaign '" << what.at(2) << "': " << *id << '\n';
        return 0;
    }
    if (what.value(1) == QLatin1String("task")) {
        if (what.size() != 3 || !parser.isSet(QStringLiteral("campaign")))
            return context.usageError(QStringLiteral(
                "usage: team add task TITLE --campaign NAME [--instructions TEXT] [--sessions N] [--reviewers N]"));
        team::TeamStore::Task task;
        task.campaign = parser.value(QStringLiteral("campaign"));
        task.title = what.at(2);
        task.instructions = parser.value(QStringLiteral("instructions"));
        bool sessionsOk = false, reviewersOk = false;
        task.sessionsWanted = parser.value(QStringLiteral("sessions")).toInt(&sessionsOk);
        task.reviewersPerSession = parser.value(QStringLiteral("reviewers")).toInt(&reviewersOk);
        if (!sessionsOk || !reviewersOk || task.sessionsWanted < 1 || task.reviewersPerSession < 1)
            return context.usageError(QStringLiteral("--sessions and --reviewers take a number from 1 up"));
        const auto id = team.addTask(task, &error);
        if (!id)
            return context.fail(error);
        context.out << "Task '" << task.title << "' in '" << task.campaign << "': " << *id << '\n';
        return 0;
    }
    return context.usageError(QStringLiteral("team add campaign NAME, or team add task TITLE --campaign NAME"));
}

} // namespace trailmark::cli
