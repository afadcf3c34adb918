#pragma once

#include "chains/Step.h"

#include <QString>
#include <QStringList>

namespace trailmark::chains {

struct CommandLine;

struct ShellStep;

// How a finished command ended, as a careful reviewer reads its status. The command
// judged is the one that acts (CommandLine): through sudo, env, nice, timeout, time,
// ssh host '…', docker exec, docker compose exec/run, kubectl exec -- and sh -c.
// - error: a non-zero exit or a signal, an earlier command of the pipeline that failed
//   (pipestatus), or error text in the output of a command whose status hides it;
// - no result: a status that answers a question: a search that found nothing (grep,
//   egrep, fgrep, zgrep, rg, ag, ack, pgrep, pidof, git grep, grep -c printing 0), a
//   comparison that found differences (diff, cmp, git diff --exit-code/--quiet), a test
//   that said no (test, [, [[), a lookup that found nothing (which, type, command -v,
//   whence, where, fish's functions, id USER, jq -e on false or null: exit 1; getent:
//   exit 2), a unit query that said no (systemctl status, is-active, is-enabled,
//   is-failed: exit 1 to 3);
// - stopped: Ctrl-C (exit 130, SIGINT) on what runs until stopped: servers and watchers
//   (npm run dev, python3 -m http.server, tail -f, watch, journalctl -f, docker logs -f,
//   kubectl logs -f), pagers and editors;
// - unknown: the source kept no status and the output shows no error.
// Ctrl-C on anything else (a build, a test run) stays an error: it was cut short.
struct ShellOutcome
{
    StepOutcome outcome = StepOutcome::Ok;
    QStringList errorReasons; // for error
    QString reason;           // for no result and stopped
};

ShellOutcome judgeFinishedCommand(const ShellStep& shell);
// The same, with the command already parsed (a session runs the same lines again and
// again: its deriver parses each once).
ShellOutcome judgeFinishedCommand(const ShellStep& shell, const CommandLine& line);

} // namespace trailmark::chains
