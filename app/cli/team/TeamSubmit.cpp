#include "cli/CommandContext.h"
#include "cli/team/TeamCommands.h"

namespace trailmark::cli {

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

} // namespace trailmark::cli
