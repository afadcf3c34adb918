#include "chains/export/Exporter.h"
#include "cli/CommandContext.h"
#include "cli/ExportSetup.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>

namespace trailmark::cli {

// The team's sessions exported as `trailmark export` would export them from one file:
// every session the caller may see (or those given) is pulled into a private SQLite file
// beside --out, in batches, and the same exporter runs on it. Memory stays bounded as
// in both halves, and the files are byte-identical to a local export of the same
// sessions with the same annotations.
int runTeamExport(CommandContext& context, team::TeamStore& team, const QCommandLineParser& parser)
{
    chains::ExportOptions options;
    if (const int status = readExportOptions(context, parser, &options))
        return status;
    QString error;
    const auto sessions = team.sessions(&error);
    if (!sessions)
        return context.fail(error);
    const QStringList given = parser.values(QStringLiteral("session"));
    QStringList ids;
    if (!resolveTeamSessions(team, *sessions, given, &ids, &error))
        return context.fail(error);
    qint64 partial = 0;
    if (given.isEmpty()) {
        for (const auto& session : *sessions) {
            if (session.complete)
                ids.append(session.id);
            else
                ++partial;
        }
    }
    QTemporaryDir staging(QFileInfo(options.outDir).absoluteDir().filePath(QStringLiteral(".trailmark-team-XXXXXX")));
    if (!staging.isValid())
        return context.fail(QStringLiteral("cannot make a folder beside %1 for the sessions: %2")
                                .arg(options.outDir, staging.errorString()));
    auto local =
        store::Store::open(staging.filePath(QStringLiteral("team.db")), store::Store::Access::ReadWrite, &error);
    if (!local)
        return context.fail(error);
    qint64 events = 0;
    for (const QString& id : ids) {
        const auto pulled = team.pull(*local, id, {}, &error);
        if (!pulled)
            return context.fail(error);
        events += pulled->events;
    }
    context.err << "read " << ids.size() << " session(s), " << events << " events from " << team.connection().where();
    if (partial > 0)
        context.err << " (" << partial << " whose push has not finished left out)";
    context.err << Qt::endl;
    return exportFrom(context, *local, std::move(options));
}

} // namespace trailmark::cli
