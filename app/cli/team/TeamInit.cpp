#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"

namespace trailmark::cli {

int runTeamInit(CommandContext& context, const QString& connectionString)
{
    if (connectionString.isEmpty())
        return context.usageError(QStringLiteral("no team store given: pass --team CONNINFO or set TRAILMARK_TEAM"));
    QString error;
    auto connection = team::PgConnection::open(connectionString, &error);
    if (!connection)
        return context.fail(error);
    int fromVersion = 0;
    if (!team::schema::initialize(*connection, &fromVersion, &error))
        return context.fail(error);
    if (fromVersion == team::schema::kVersion)
        context.out << "The team store at " << connection->where() << " is up to date (schema version "
                    << team::schema::kVersion << ").\n";
    else if (fromVersion == 0)
        context.out << "Set up the team store at " << connection->where() << " (schema version "
                    << team::schema::kVersion
                    << ").\nGive people a role: GRANT trailmark_expert | trailmark_reviewer | trailmark_admin TO "
                       "name;\n";
    else
        context.out << "Migrated the team store at " << connection->where() << " from schema version " << fromVersion
                    << " to " << team::schema::kVersion << ".\n";
    return 0;
}

} // namespace trailmark::cli
