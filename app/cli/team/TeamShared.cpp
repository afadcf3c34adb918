#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QCommandLineOption>
#include <QDateTime>

namespace trailmark::cli {

const QCommandLineOption& teamOption()
{
    static const QCommandLineOption option(
        QStringLiteral("team"),
        QStringLiteral("The team store: a libpq connection string (default: "
                       "$TRAILMARK_TEAM). Keep passwords in ~/.pgpass or a service file."),
        QStringLiteral("CONNINFO"));
    return option;
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

void warnAboutDamage(const CommandContext& context, const team::TeamStore::PullReport& report)
{
    if (!report.damagedAnnotations.isEmpty())
        context.err << "trailmark: " << report.sessionId << ": " << report.damagedAnnotations.size()
                    << " annotation(s) on the team store do not decode and were left there: "
                    << report.damagedAnnotations.join(QStringLiteral(", ")) << '\n';
}

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

} // namespace trailmark::cli
