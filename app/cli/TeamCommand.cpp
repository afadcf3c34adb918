#include "chains/export/Exporter.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/ExportSetup.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"
#include "team/TeamStore.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>

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

QString timeText(const QDateTime& time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("-");
}

QJsonValue timeJson(const QDateTime& time)
{
    return time.isValid() ? QJsonValue(time.toString(Qt::ISODateWithMs)) : QJsonValue();
}

QString claimState(const team::TeamStore::Claim& claim)
{
    if (claim.isOpen())
        return QStringLiteral("open");
    return claim.expired ? QStringLiteral("expired") : QStringLiteral("submitted");
}

QJsonObject claimJson(const team::TeamStore::Claim& claim)
{
    return QJsonObject{{QStringLiteral("session"), claim.sessionId},
                       {QStringLiteral("expert"), claim.expert},
                       {QStringLiteral("task"), claim.task},
                       {QStringLiteral("events"), claim.events},
                       {QStringLiteral("state"), claimState(claim)},
                       {QStringLiteral("claimed_at"), timeJson(claim.claimedAt)},
                       {QStringLiteral("expires_at"), timeJson(claim.expiresAt)},
                       {QStringLiteral("submitted_at"), timeJson(claim.submittedAt)}};
}

// Full ids of the sessions given by unique prefixes (at least 4 characters, as locally)
// among those the caller may see on the server.
bool resolveTeamSessions(team::TeamStore& team, const QList<team::TeamStore::TeamSession>& sessions,
                         const QStringList& prefixes, QStringList* ids, QString* error)
{
    for (const QString& prefix : prefixes) {
        QStringList matches;
        for (const auto& session : sessions) {
            if (session.id.startsWith(prefix, Qt::CaseInsensitive))
                matches.append(session.id);
        }
        if (matches.size() != 1 || prefix.size() < 4) {
            *error = matches.isEmpty() ? QStringLiteral("no session %1 that %2 may see on %3")
                                             .arg(prefix, team.connection().role(), team.connection().where())
                                       : QStringLiteral("'%1' is not a unique session id prefix").arg(prefix);
            return false;
        }
        ids->append(matches.first());
    }
    return true;
}

// Annotations a pull left on the server because they do not decode, on stderr.
void warnAboutDamage(const CommandContext& context, const team::TeamStore::PullReport& report)
{
    if (!report.damagedAnnotations.isEmpty())
        context.err << "trailmark: " << report.sessionId << ": " << report.damagedAnnotations.size()
                    << " annotation(s) on the team store do not decode and were left there: "
                    << report.damagedAnnotations.join(QStringLiteral(", ")) << '\n';
}

// What a pull brought, one line per session.
void reportPull(const CommandContext& context, const team::TeamStore::PullReport& report)
{
    context.out << report.sessionId << ": " << report.events << " events in " << context.databasePath;
    if (report.received > 0)
        context.out << " (" << report.received << " received now)";
    else
        context.out << " (already here)";
    context.out << ", " << report.annotations << " annotations added";
    if (report.redactions > 0)
        context.out << " (" << report.redactions << " reviewer redactions applied)";
    if (report.blobs > 0)
        context.out << ", " << report.blobs << " images";
    context.out << '\n';
    warnAboutDamage(context, report);
}

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

int runTeamQueue(CommandContext& context, team::TeamStore& team, bool json)
{
    QString error;
    const auto queue = team.queue(&error);
    if (!queue)
        return context.fail(error);
    if (json) {
        QJsonArray claims;
        for (const auto& claim : queue->claims)
            claims.append(claimJson(claim));
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("team"), team.connection().where()},
                                                    {QStringLiteral("reviewer"), team.connection().role()},
                                                    {QStringLiteral("is_reviewer"), queue->isReviewer},
                                                    {QStringLiteral("waiting"), queue->waiting},
                                                    {QStringLiteral("claims"), claims}}));
        return 0;
    }
    if (!queue->isReviewer) {
        context.out << team.connection().role() << " is not a reviewer on " << team.connection().where()
                    << " (GRANT trailmark_reviewer TO " << team.connection().role() << ").\n";
        return 0;
    }
    const auto open =
        std::count_if(queue->claims.cbegin(), queue->claims.cend(), [](const auto& claim) { return claim.isOpen(); });
    context.out << team.connection().role() << ": " << open << " open claim(s), " << queue->waiting
                << " session(s) waiting for a reviewer.\n";
    for (const auto& claim : queue->claims)
        context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                           .arg(claim.sessionId.leftJustified(36), claimState(claim).leftJustified(9),
                                (claim.submittedAt.isValid() ? timeText(claim.submittedAt)
                                                             : QStringLiteral("until ") + timeText(claim.expiresAt))
                                    .leftJustified(22),
                                claim.expert.leftJustified(12), claim.task);
    if (open == 0 && queue->waiting > 0)
        context.out << "Claim the next one with `trailmark team claim`.\n";
    return 0;
}

int runTeamClaim(CommandContext& context, team::TeamStore& team, const QCommandLineParser& parser)
{
    bool ok = false;
    const int lease = parser.value(QStringLiteral("lease")).toInt(&ok);
    if (!ok || lease < 1 || lease > 7 * 24 * 60)
        return context.usageError(QStringLiteral("--lease takes minutes, from 1 to 10080 (a week)"));
    QString error;
    const auto claim = team.claimNext(lease, parser.value(QStringLiteral("task")), &error);
    if (!claim)
        return context.fail(error);
    const bool json = parser.isSet(QStringLiteral("json"));
    if (claim->sessionId.isEmpty()) {
        if (json)
            context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("claim"), QJsonValue()}}));
        else
            context.out << "Nothing waits for review by " << team.connection().role() << ".\n";
        return 0;
    }
    // The reviewer works on a local copy: bring it in now (a repeated claim resumes it).
    auto local = context.openStore(store::Store::Access::ReadWrite);
    if (!local)
        return 1;
    const auto pulled = team.pull(*local, claim->sessionId, {}, &error);
    if (!pulled)
        return context.fail(error);
    if (json) {
        warnAboutDamage(context, *pulled);
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("claim"), claimJson(*claim)}}));
        return 0;
    }
    context.out << "Claimed " << claim->sessionId << " (" << claim->expert << ": " << claim->task << ") until "
                << timeText(claim->expiresAt) << ".\n";
    reportPull(context, *pulled);
    context.out << "Review it (`trailmark show " << claim->sessionId << "`, `trailmark annotate`, or the Review "
                << "tab), then `trailmark team submit " << claim->sessionId << "`.\n";
    return 0;
}

int runTeamSubmit(CommandContext& context, team::TeamStore& team, const QStringList& sessions)
{
    if (sessions.isEmpty())
        return context.usageError(QStringLiteral("name the session whose review to submit"));
    auto local = context.openStore(store::Store::Access::ReadWrite);
    if (!local)
        return 1;
    int failures = 0;
    for (const QString& given : sessions) {
        QString error;
        const auto id = local->resolveSessionId(given, &error);
        const auto sent = id ? team.submit(*local, *id, &error) : std::nullopt;
        if (!sent) {
            context.err << "trailmark team submit: " << error << '\n';
            ++failures;
            continue;
        }
        context.out << *id << ": review submitted, " << *sent << " annotation(s) sent\n";
    }
    return failures == 0 ? 0 : 1;
}

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

} // namespace

int runTeam(CommandContext& context)
{
    QCommandLineParser parser;
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
    parser.addOption(kTeamOption);
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
    parser.process(context.arguments);
    const QStringList what = parser.positionalArguments();
    const QString connectionString = team::TeamStore::connectionString(parser.value(kTeamOption));
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

int runPull(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Bring sessions from the team store into the local file, for review: events, images and annotations, with "
        "every reviewer redaction made on the server applied. Safe to repeat: a pull that was cut off resumes. "
        "Without sessions: the ones you have claimed for review."));
    parser.addHelpOption();
    parser.addOption(kTeamOption);
    parser.addPositionalArgument(QStringLiteral("session"), QStringLiteral("Session ids (or unique prefixes)."),
                                 QStringLiteral("[SESSION...]"));
    parser.process(context.arguments);
    QString error;
    auto team =
        team::TeamStore::connect(team::TeamStore::connectionString(parser.value(kTeamOption)), &error);
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

int runPush(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Upload finished sessions, with their events and annotations, to the team store. Safe to repeat: a push that "
        "was cut off resumes, and nothing is stored twice."));
    parser.addHelpOption();
    parser.addOption(kTeamOption);
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
    auto team =
        team::TeamStore::connect(team::TeamStore::connectionString(parser.value(kTeamOption)), &error);
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
