#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

int runTeamSessions(CommandContext& context, const QString& connectionString, bool json)
{
    QString error;
    auto team = team::TeamStore::connect(connectionString, &error);
    if (!team)
        return context.fail(error);
    const auto sessions = team->sessions(&error);
    if (!sessions)
        return context.fail(error);
    if (json) {
        QJsonArray rows;
        for (const auto& session : *sessions)
            rows.append(QJsonObject{{QStringLiteral("id"), session.id},
                                    {QStringLiteral("expert"), session.expert},
                                    {QStringLiteral("task"), session.task},
                                    {QStringLiteral("started_ns"), session.startedNs},
                                    {QStringLiteral("event_count"), session.eventCount},
                                    {QStringLiteral("stored_events"), session.storedEvents},
                                    {QStringLiteral("complete"), session.complete},
                                    {QStringLiteral("pushed_at"), session.pushedAt.toString(Qt::ISODate)}});
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("team"), team->connection().where()},
                                                    {QStringLiteral("role"), team->connection().role()},
                                                    {QStringLiteral("sessions"), rows}}));
        return 0;
    }
    if (sessions->isEmpty()) {
        context.out << "No sessions that " << team->connection().role() << " may see on " << team->connection().where()
                    << ".\n";
        return 0;
    }
    context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(QStringLiteral("ID").leftJustified(36), QStringLiteral("EXPERT").leftJustified(12),
                            QStringLiteral("EVENTS").rightJustified(9), QStringLiteral("STATE").leftJustified(8),
                            QStringLiteral("TASK"));
    for (const auto& session : *sessions)
        context.out
            << QStringLiteral("%1  %2  %3  %4  %5\n")
                   .arg(session.id.leftJustified(36), session.expert.leftJustified(12),
                        QString::number(session.storedEvents).rightJustified(9),
                        (session.complete ? QStringLiteral("complete") : QStringLiteral("partial")).leftJustified(8),
                        session.task);
    return 0;
}

} // namespace trailmark::cli
