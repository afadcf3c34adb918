#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QCommandLineParser>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {

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

} // namespace trailmark::cli
