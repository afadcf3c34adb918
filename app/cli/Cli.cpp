#include "cli/Cli.h"

#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/DatabaseOption.h"

#include <QTextStream>

#include <cstdio>
#include <iterator>

namespace trailmark::cli {
namespace {

struct CommandEntry
{
    const char* name;
    const char* synopsis;
    const char* summary;
    int (*run)(CommandContext&);
};

// Only commands that work are listed. Capture first, then review, then output.
constexpr CommandEntry kCommands[] = {
    {"record", "record [--task TEXT] [OPTIONS]", "record windows, shell commands and notes until Ctrl+C", runRecord},
    {"note", "note TEXT [--kind KIND]", "add a note to the running recording", runNote},
    {"init", "init bash|zsh|fish", "print shell integration for eval in your shell's rc file", runInit},
    {"ingest", "ingest [--json]", "store pending shell commands from the spool once, then exit", runIngest},
    {"shell", "shell [-- SHELL [ARGS]]", "run your shell on a watched terminal: commands with their output", runShell},
    {"import", "import --format FMT FILE [--task T]", "import atuin, zsh or bash history (secrets redacted)",
     runImport},
    {"sessions", "sessions [--json]", "list recorded sessions", runSessions},
    {"show", "show SESSION [--json]", "print a session as steps: errors, retries, notes, reviews", runShow},
    {"annotate", "annotate SESSION [--step N] --reviewer NAME ...",
     "rate a step (-1/0/1), label it, explain, or give the session a verdict", runAnnotate},
    {"stats", "stats [--json]", "dataset statistics and reviewer agreement (Cohen's kappa)", runStats},
    {"export", "export --format FMT,... --out DIR", "write agent and reasoning chains for trainers", runExport},
    {"push", "push [SESSION...] [--all-finished]", "upload finished sessions to the team store (resumable)", runPush},
    {"pull", "pull [SESSION...]", "bring team sessions into the local file for review (resumable)", runPull},
    {"team", "team init|sessions|tasks|queue|claim|submit|export",
     "the team store on PostgreSQL: campaigns, review queue", runTeam},
    {"verify", "verify [--json]", "check the database; non-zero exit on a problem", runVerify},
};

void printHelp(QTextStream& out)
{
    out << "Usage: trailmark [--db PATH] [COMMAND [ARGS]]\n\n"
           "Records how experts chain tools, lets reviewers annotate the trajectories,\n"
           "and exports them as agent and reasoning chains.\n\n"
           "Without a command, opens the desktop app.\n\n"
           "Commands:\n";
    // Summaries start in one column; a synopsis too long for it stands on its own line.
    constexpr int kSynopsisWidth = 36;
    for (const auto& command : kCommands) {
        const QString synopsis = QString::fromLatin1(command.synopsis);
        if (synopsis.size() < kSynopsisWidth - 1)
            out << "  " << synopsis.leftJustified(kSynopsisWidth);
        else
            out << "  " << synopsis << '\n' << QString(kSynopsisWidth + 2, QLatin1Char(' '));
        out << QString::fromLatin1(command.summary) << '\n';
    }
    out << "\nOptions:\n"
           "  --db PATH     database file (default: $TRAILMARK_DB, else\n"
           "                $XDG_DATA_HOME/trailmark/trailmark.db)\n"
           "  --version     print the version and exit\n"
           "  -h, --help    print this help, or a command's with COMMAND --help\n\n"
           "Environment: TRAILMARK_DB, TRAILMARK_TEAM, TRAILMARK_SPOOL_DIR, TRAILMARK_LOG (trace, debug,\n"
           "info, warn, error, off; log file in $XDG_STATE_HOME/trailmark).\n";
    out.flush();
}

} // namespace

bool wantsCommandLine(const QStringList& arguments)
{
    QStringList rest = arguments;
    QString error;
    store::paths::takeDatabaseOption(rest, &error);
    return rest.size() > 1 || !error.isEmpty();
}

int run(const QStringList& arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QStringList rest = arguments;
    QString error;
    const QString databasePath = store::paths::takeDatabaseOption(rest, &error);
    if (!error.isEmpty()) {
        err << "trailmark: " << error << Qt::endl;
        return 2;
    }
    rest.removeFirst(); // program name
    if (rest.isEmpty() || rest.first() == QLatin1String("-h") || rest.first() == QLatin1String("--help") ||
        rest.first() == QLatin1String("help")) {
        printHelp(out);
        return 0;
    }
    if (rest.first() == QLatin1String("--version")) {
        out << "trailmark " << TRAILMARK_VERSION << " (database schema " << store::Store::kSchemaVersion << ")"
            << Qt::endl;
        return 0;
    }
    for (const auto& command : kCommands) {
        if (rest.first() == QLatin1String(command.name)) {
            CommandContext context{rest, databasePath, out, err};
            const int code = command.run(context);
            out.flush();
            err.flush();
            return code;
        }
    }
    err << "trailmark: unknown command '" << rest.first() << "'" << Qt::endl << "Try 'trailmark --help'." << Qt::endl;
    return 2;
}

} // namespace trailmark::cli
