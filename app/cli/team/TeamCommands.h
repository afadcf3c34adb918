#pragma once

#include "team/TeamStore.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

class QCommandLineOption;
class QCommandLineParser;
class QDateTime;

namespace trailmark::cli {

struct CommandContext;

// `trailmark team`: one function per subcommand, one file each in this folder; runTeam
// (TeamCommand.cpp) reads the command line and picks one.
int runTeamInit(CommandContext& context, const QString& connectionString);
int runTeamSessions(CommandContext& context, const QString& connectionString, bool json);
int runTeamAdd(CommandContext& context, team::TeamStore& team, const QStringList& what,
               const QCommandLineParser& parser);
int runTeamTasks(CommandContext& context, team::TeamStore& team, bool json);
int runTeamQueue(CommandContext& context, team::TeamStore& team, bool json);
int runTeamClaim(CommandContext& context, team::TeamStore& team, const QCommandLineParser& parser);
int runTeamSubmit(CommandContext& context, team::TeamStore& team, const QStringList& sessions);
int runTeamExport(CommandContext& context, team::TeamStore& team, const QCommandLineParser& parser);

// What the team subcommands, `push` and `pull` share (TeamShared.cpp).

// --team CONNINFO.
const QCommandLineOption& teamOption();
// A claim's times as people read them ("-" when unset) and as JSON (null when unset).
QString timeText(const QDateTime& time);
QJsonValue timeJson(const QDateTime& time);
// "open", "expired" or "submitted".
QString claimState(const team::TeamStore::Claim& claim);
QJsonObject claimJson(const team::TeamStore::Claim& claim);
// Full ids of the sessions given by unique prefixes (at least 4 characters, as locally)
// among those the caller may see on the server.
bool resolveTeamSessions(team::TeamStore& team, const QList<team::TeamStore::TeamSession>& sessions,
                         const QStringList& prefixes, QStringList* ids, QString* error);
// Annotations a pull left on the server because they do not decode, on stderr.
void warnAboutDamage(const CommandContext& context, const team::TeamStore::PullReport& report);
// What a pull brought, one line per session.
void reportPull(const CommandContext& context, const team::TeamStore::PullReport& report);

} // namespace trailmark::cli
