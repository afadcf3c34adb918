#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

int runTeamTasks(CommandContext& context, team::TeamStore& team, bool json)
{
    QString error;
    const auto tasks = team.tasks(&error);
    if (!tasks)
        return context.fail(error);
    if (json) {
        QJsonArray rows;
        for (const auto& task : *tasks)
            rows.append(QJsonObject{{QStringLiteral("id"), task.id},
                                    {QStringLiteral("campaign"), task.campaign},
                                    {QStringLiteral("title"), task.title},
                                    {QStringLiteral("instructions"), task.instructions},
                                    {QStringLiteral("sessions_wanted"), task.sessionsWanted},
                                    {QStringLiteral("reviewers_per_session"), task.reviewersPerSession},
                                    {QStringLiteral("sessions_pushed"), task.sessionsPushed},
                                    {QStringLiteral("reviews_submitted"), task.reviewsSubmitted}});
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("tasks"), rows}}));
        return 0;
    }
    if (tasks->isEmpty()) {
        context.out << "No campaign tasks on " << team.connection().where() << ".\n";
        return 0;
    }
    for (const auto& task : *tasks) {
        context.out << task.id << "  " << task.campaign << " / " << task.title << "\n    " << task.sessionsPushed
                    << " of " << task.sessionsWanted << " sessions, " << task.reviewersPerSession
                    << " reviewer(s) each, " << task.reviewsSubmitted << " reviews submitted\n";
        if (!task.instructions.isEmpty())
            context.out << "    " << task.instructions << '\n';
    }
    return 0;
}

} // namespace trailmark::cli
