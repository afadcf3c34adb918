#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"
#include "team/PgConnection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace trailmark::cli {

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

} // namespace trailmark::cli
