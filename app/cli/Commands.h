#pragma once

namespace trailmark::cli {

struct CommandContext;

// One function per subcommand; the table in Cli.cpp maps names to them.
int runAnnotate(CommandContext& context);
int runExport(CommandContext& context);
int runStats(CommandContext& context);
int runNote(CommandContext& context);
int runRecord(CommandContext& context);
int runImport(CommandContext& context);
int runInit(CommandContext& context);
int runIngest(CommandContext& context);
int runSessions(CommandContext& context);
int runShell(CommandContext& context);
int runShow(CommandContext& context);
int runPull(CommandContext& context);
int runPush(CommandContext& context);
int runTeam(CommandContext& context);
int runVerify(CommandContext& context);

} // namespace trailmark::cli
