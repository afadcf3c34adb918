#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/ExportSetup.h"
#include "cli/team/TeamCommands.h"
#include "team/TeamStore.h"

#include <QCommandLineParser>

namespace trailmark::cli {
namespace {

// The options of every team subcommand, and the help text that lists them.
void describeTeam(QCommandLineParser& parser)
{
    parser.setApplicationDescription(
        QStringLiteral("The team store on PostgreSQL.\n\n"
                       "  team init                 create the schema, roles and policies, or migrate them (as the "
                       "database owner)\n"
                       "  team sessions [--json]    the sessions your role may see\n"
                       "  team add campaign NAME    (admin) a campaign\n"
                       "  team add task TITLE --campaign NAME [--instructions TEXT] [--sessions N] [--reviewers N]\n"
                       "                            (admin) a task experts pick from\n"
                       "  team tasks [--json]       the campaigns' tasks and how far each is\n"
                       "  team queue [--json]       (reviewer) your claims and how many sessions wait\n"
                       "  team claim [--task T] [--lease MIN]\n"
                       "                            (reviewer) claim the next session to review and pull it\n"
                       "  team submit SESSION...    (reviewer) send your annotations and end the claim\n"
                       "  team export --format FMT --out DIR [...]\n"
                       "                            export the team's sessions, as `trailmark export` does"));
    parser.addHelpOption();
    parser.addOption(teamOption());
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.addOption({QStringLiteral("task"), QStringLiteral("claim: only sessions of this task (id or title)."),
                      QStringLiteral("TASK")});
    parser.addOption({QStringLiteral("lease"),
                      QStringLiteral("claim: minutes the claim holds without a submit before it returns to the "
                                     "queue (default 120)."),
                      QStringLiteral("MINUTES"), QStringLiteral("120")});
    parser.addOption({QStringLiteral("campaign"), QStringLiteral("add task: the campaign."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("instructions"), QStringLiteral("add task: what the expert is to do."),
                      QStringLiteral("TEXT")});
    parser.addOption({QStringLiteral("sessions"), QStringLiteral("add task: sessions wanted (default 1)."),
                      QStringLiteral("N"), QStringLiteral("1")});
    parser.addOption({QStringLiteral("reviewers"), QStringLiteral("add task: reviewers per session (default 1)."),
                      QStringLiteral("N"), QStringLiteral("1")});
    addExportOptions(parser);
    parser.addPositionalArgument(QStringLiteral("what"),
                                 QStringLiteral("init, sessions, add, tasks, queue, claim, submit or export"));
}

} // namespace

// Reads the command line, then hands the work to the subcommand's function (team/).
int runTeam(CommandContext& context)
{
    QCommandLineParser parser;
    describeTeam(parser);
    parser.process(context.arguments);
    const QStringList what = parser.positionalArguments();
    const QString connectionString = team::TeamStore::connectionString(parser.value(teamOption()));
    if (what.isEmpty())
        return context.usageError(
            QStringLiteral("say what: team init, sessions, add, tasks, queue, claim, submit or export"));
    const QString verb = what.first();
    const bool json = parser.isSet(QStringLiteral("json"));
    static const QStringList kVerbs = {QStringLiteral("init"),   QStringLiteral("sessions"), QStringLiteral("add"),
                                       QStringLiteral("tasks"),  QStringLiteral("queue"),    QStringLiteral("claim"),
                                       QStringLiteral("submit"), QStringLiteral("export")};
    if (!kVerbs.contains(verb))
        return context.usageError(
            QStringLiteral("unknown team command '%1' (%2)").arg(verb, kVerbs.join(QStringLiteral(", "))));
    const bool takesArguments = verb == QLatin1String("add") || verb == QLatin1String("submit");
    if (!takesArguments && what.size() != 1)
        return context.usageError(QStringLiteral("team %1 takes no argument '%2'").arg(verb, what.at(1)));
    if (verb == QLatin1String("init"))
        return runTeamInit(context, connectionString);
    if (verb == QLatin1String("sessions"))
        return runTeamSessions(context, connectionString, json);

    QString error;
    auto team = team::TeamStore::connect(connectionString, &error);
    if (!team)
        return context.fail(error);
    if (verb == QLatin1String("add"))
        return runTeamAdd(context, *team, what, parser);
    if (verb == QLatin1String("tasks"))
        return runTeamTasks(context, *team, json);
    if (verb == QLatin1String("queue"))
        return runTeamQueue(context, *team, json);
    if (verb == QLatin1String("claim"))
        return runTeamClaim(context, *team, parser);
    if (verb == QLatin1String("submit"))
        return runTeamSubmit(context, *team, what.mid(1));
    return runTeamExport(context, *team, parser);
}

} // namespace trailmark::cli
