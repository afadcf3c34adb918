#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "teamstore/PgConnection.h"
#include "teamstore/TeamSchema.h"
#include "teamstore/TeamStore.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {
namespace {

const QCommandLineOption kTeamOption(QStringLiteral("team"),
                                     QStringLiteral("The team store: a libpq connection string (default: "
                                                    "$TRAILMARK_TEAM). Keep passwords in ~/.pgpass or a service file."),
                                     QStringLiteral("CONNINFO"));

int runTeamInit(CommandContext& context, const QString& connectionString)
{
    if (connectionString.isEmpty())
        return context.usageError(QStringLiteral("no team store given: pass --team CONNINFO or set TRAILMARK_TEAM"));
    QString error;
    auto connection = teamstore::PgConnection::open(connectionString, &error);
    if (!connection)
        return context.fail(error);
    int fromVersion = 0;
    if (!teamstore::schema::initialize(*connection, &fromVersion, &error))
        return context.fail(error);
    if (fromVersion == teamstore::schema::kVersion)
        context.out << "The team store at " << connection->where() << " is up to date (schema version "
                    << teamstore::schema::kVersion << ").\n";
    else if (fromVersion == 0)
        context.out << "Set up the team store at " << connection->where() << " (schema version "
                    << teamstore::schema::kVersion
                    << ").\nGive people a role: GRANT trailmark_expert | trailmark_reviewer | trailmark_admin TO "
                       "name;\n";
    else
        context.out << "Migrated the team store at " << connection->where() << " from schema version " << fromVersion
                    << " to " << teamstore::schema::kVersion << ".\n";
    return 0;
}

int runTeamSessions(CommandContext& context, const QString& connectionString, bool json)
{
    QString error;
    auto team = teamstore::TeamStore::connect(connectionString, &error);
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

} // namespace

int runTeam(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("The team store on PostgreSQL.\n\n"
                       "  team init              create the schema, roles and policies, or migrate them (as the "
                       "database owner)\n"
                       "  team sessions [--json] the sessions your role may see"));
    parser.addHelpOption();
    parser.addOption(kTeamOption);
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.addPositionalArgument(QStringLiteral("what"), QStringLiteral("init or sessions"));
    parser.process(context.arguments);
    const QStringList what = parser.positionalArguments();
    const QString connectionString = teamstore::TeamStore::connectionString(parser.value(kTeamOption));
    if (what.size() != 1)
        return context.usageError(QStringLiteral("say what: team init, or team sessions"));
    if (what.first() == QLatin1String("init"))
        return runTeamInit(context, connectionString);
    if (what.first() == QLatin1String("sessions"))
        return runTeamSessions(context, connectionString, parser.isSet(QStringLiteral("json")));
    return context.usageError(QStringLiteral("unknown team command '%1' (init, sessions)").arg(what.first()));
}

int runPush(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Upload finished sessions, with their events and annotations, to the team store. Safe to repeat: a push that "
        "was cut off resumes, and nothing is stored twice."));
    parser.addHelpOption();
    parser.addOption(kTeamOption);
    parser.addOption({QStringLiteral("all-finished"), QStringLiteral("Push every finished session.")});
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
            if (it->session.state() == v1::Session::STATE_FINISHED && it->decodeError.isEmpty())
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
    auto team =
        teamstore::TeamStore::connect(teamstore::TeamStore::connectionString(parser.value(kTeamOption)), &error);
    if (!team)
        return context.fail(error);
    int failures = 0;
    for (const QString& id : ids) {
        const auto report = team->push(*local, id, {}, &error);
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
