#include "chains/families/shell/ShellOutcome.h"

#include "chains/families/shell/CommandLine.h"
#include "chains/families/shell/ErrorText.h"
#include "chains/families/shell/ShellStep.h"

#include <algorithm>
#include <array>

namespace trailmark::chains {
namespace {

constexpr int kSigInt = 2;
constexpr int kCtrlCExit = 128 + kSigInt;
constexpr int kSigPipeExit = 128 + 13; // `yes | head`: the reader closed the pipe on purpose

template <size_t N> bool isOneOf(std::string_view word, const std::array<std::string_view, N>& names)
{
    return std::find(names.begin(), names.end(), word) != names.end();
}

// Why this exit status of this command is an answer rather than a failure; empty when
// it is not. The command is the one that acts, however it was reached (sudo, ssh host,
// docker exec, kubectl exec): its status comes back through the wrapper.
QString answerOf(const SimpleCommand& command, int status)
{
    constexpr std::array<std::string_view, 9> kSearches = {"grep", "egrep", "fgrep", "zgrep", "rg",
                                                           "ag",   "ack",   "pgrep", "pidof"};
    constexpr std::array<std::string_view, 3> kComparisons = {"diff", "cmp", "colordiff"};
    constexpr std::array<std::string_view, 3> kTests = {"test", "[", "[["};
    // Lookups: where a program is, whether a user or a function exists.
    // kpsewhich and locate find files, lsof what holds a file or port: exit 1 is "none".
    constexpr std::array<std::string_view, 9> kLookups = {"which",     "type",      "whence", "where", "command",
                                                          "functions", "kpsewhich", "locate", "lsof"};
    constexpr std::array<std::string_view, 4> kUnitQueries = {"status", "is-active", "is-enabled", "is-failed"};
    const std::string_view program = command.program;
    const std::string_view verb = command.firstOperand();
    // getent says "not found" with 2; systemctl's queries with 1 to 3 (3: not running).
    if (program == "getent")
        return status == 2 ? QStringLiteral("no such entry") : QString();
    if (program == "systemctl")
        return status >= 1 && status <= 3 && isOneOf(verb, kUnitQueries) ? QStringLiteral("unit not active")
                                                                         : QString();
    if (status != 1)
        return {};
    if (isOneOf(program, kSearches) || (program == "git" && verb == "grep"))
        return QStringLiteral("no match");
    // git diff exits 1 only when asked to (--exit-code, --quiet, --no-index) and then it
    // means "they differ"; its failures are 128 and 129.
    if (isOneOf(program, kComparisons) || (program == "git" && verb == "diff"))
        return QStringLiteral("differences found");
    if (isOneOf(program, kTests))
        return QStringLiteral("test said no");
    // id USER: no such user (id alone does not fail); jq -e: the answer was false or null.
    if (isOneOf(program, kLookups) || (program == "id" && !verb.empty()))
        return QStringLiteral("not found");
    if (program == "jq" && (command.hasArgument("-e") || command.hasArgument("--exit-status")))
        return QStringLiteral("false or null");
    if ((program == "npm" || program == "yarn" || program == "pnpm") && verb == "outdated")
        return QStringLiteral("outdated packages found");
    return {};
}

bool hasFollowOption(const SimpleCommand& command)
{
    return std::any_of(command.arguments.begin(), command.arguments.end(), [](std::string_view word) {
        // -f, -F, --follow, or a cluster of short options with f in it (-fn, -fu).
        return word == "--follow" || (word.size() > 1 && word.front() == '-' && word[1] != '-' &&
                                      word.find_first_of("fF") != std::string_view::npos && word.size() <= 4);
    });
}

// Programs that run until the expert stops them, so Ctrl-C is how they end.
bool runsUntilStopped(const SimpleCommand& command)
{
    constexpr std::array<std::string_view, 24> kUntilStopped = {
        "watch",   "ping",     "top",     "htop", "btop",    "less",  "more",  "most",
        "man",     "vim",      "vi",      "nvim", "nano",    "emacs", "micro", "http.server",
        "uvicorn", "gunicorn", "nodemon", "vite", "tcpdump", "ngrok", "hx",    "live-server",
    };
    constexpr std::array<std::string_view, 3> kFollowers = {"tail", "journalctl", "stern"};
    constexpr std::array<std::string_view, 3> kContainerTools = {"docker", "kubectl", "podman"};
    // Subcommands and script names of servers and watchers: npm run dev, rails server,
    // manage.py runserver, flask run, docker compose up, kubectl port-forward, tsc --watch.
    constexpr std::array<std::string_view, 12> kServing = {
        "dev",     "serve", "server",       "runserver", "start",           "watch",
        "--watch", "up",    "port-forward", "bootRun",   "spring-boot:run", "preview",
    };
    const std::string_view program = command.program;
    if (isOneOf(program, kUntilStopped))
        return true;
    const bool follows =
        isOneOf(program, kFollowers) || (isOneOf(program, kContainerTools) && command.hasArgument("logs"));
    if (follows && hasFollowOption(command))
        return true;
    if (program == "flask" && command.firstOperand() == "run")
        return true;
    if (program.substr(0, 6) == "server" || command.firstOperand().substr(0, 6) == "server")
        return true;
    // Tracers attached to a running process (strace -p PID) and monitors of a server
    // (redis-cli monitor, subscribe) run until the expert detaches.
    constexpr std::array<std::string_view, 3> kTracers = {"strace", "ltrace", "perf"};
    if (isOneOf(program, kTracers) && (command.hasArgument("-p") || command.hasArgument("--pid")))
        return true;
    constexpr std::array<std::string_view, 3> kMonitors = {"monitor", "subscribe", "psubscribe"};
    if (program == "redis-cli" && std::any_of(command.arguments.begin(), command.arguments.end(),
                                              [&](auto word) { return isOneOf(word, kMonitors); }))
        return true;
    // `up -d` and `start` of a detached container return at once.
    if (command.hasArgument("-d") || command.hasArgument("--detach"))
        return false;
    return std::any_of(command.arguments.begin(), command.arguments.end(),
                       [&](std::string_view word) { return isOneOf(word, kServing); });
}

// What servers and watchers print when they start: the program may be the expert's own
// (python app.py), so its output is what says it serves.
bool saysItServes(const ShellStep& shell)
{
    constexpr std::array<std::string_view, 10> kBanners = {
        "Running on http", "Listening on", "listening on", "Serving HTTP", "Server running",
        "Local:   http",   "Watching for", "Serving on",   "ready in",     "started server on",
    };
    return std::any_of(kBanners.begin(), kBanners.end(),
                       [&](std::string_view banner) { return shell.outputHead.find(banner) != std::string::npos; });
}

bool endedByCtrlC(const ShellStep& shell)
{
    return shell.signal == kSigInt || (shell.exitKnown && shell.exitCode == kCtrlCExit);
}

void addOutputErrors(ShellOutcome& result, const ShellStep& shell, const CommandLine& line)
{
    // A viewer's output is what the expert reads (a log full of ERROR lines); only its
    // exit status says whether it worked.
    // The line's first program decides: in `cd nowhere && grep x`, cd's error is no content.
    const bool viewer = !line.pipelines.empty() && showsContent(line.pipelines.front().commands.front());
    if (!result.errorReasons.isEmpty() || viewer)
        return;
    for (const std::string* output : {&shell.outputHead, &shell.outputTail}) {
        if (const auto found = findErrorText(*output, shell.command)) {
            result.errorReasons.append(QStringLiteral("output: %1").arg(*found));
            return;
        }
    }
}

QString programText(const SimpleCommand& command)
{
    return QString::fromUtf8(command.program.data(), static_cast<qsizetype>(command.program.size()));
}

} // namespace

ShellOutcome judgeFinishedCommand(const ShellStep& shell)
{
    return judgeFinishedCommand(shell, CommandLine::parse(shell.command));
}

ShellOutcome judgeFinishedCommand(const ShellStep& shell, const CommandLine& line)
{
    ShellOutcome result;
    QStringList pipelineErrors;
    const Pipeline* last = line.lastPipeline();
    const bool compound = line.pipelines.size() > 1;
    // pipestatus is of the last pipeline the shell ran; a count that does not match the
    // commands we see (a function, an alias) is not trusted.
    const bool pipeKnown = last && shell.pipeStatus.size() > 1 && shell.pipeStatus.size() == last->commands.size();
    if (shell.exitKnown && pipeKnown) {
        for (size_t i = 0; i + 1 < shell.pipeStatus.size(); ++i) {
            const int status = shell.pipeStatus[i];
            const SimpleCommand& command = last->commands[i];
            if (status == 0 || status == kSigPipeExit)
                continue;
            if (const QString answer = answerOf(command, status); !answer.isEmpty()) {
                // `grep foo log | head` with nothing found: the pipeline's answer is empty.
                if (result.reason.isEmpty())
                    result.reason = answer + QStringLiteral(" (") + programText(command) + QStringLiteral(")");
                continue;
            }
            pipelineErrors.append(
                QStringLiteral("exit %1 of %2 in the pipeline").arg(status).arg(programText(command)));
        }
    }
    const SimpleCommand* decider = line.decider();
    const bool failedStatus = (shell.exitKnown && shell.exitCode != 0) || shell.signal != 0;
    if (failedStatus && endedByCtrlC(shell) && last &&
        (saysItServes(shell) || std::any_of(last->commands.begin(), last->commands.end(), runsUntilStopped))) {
        result.outcome = StepOutcome::Stopped;
        result.reason = QStringLiteral("stopped with Ctrl-C");
        return result;
    }
    const QString answer = decider ? answerOf(*decider, shell.exitCode) : QString();
    if (failedStatus && shell.signal == 0 && !answer.isEmpty() && pipelineErrors.isEmpty()) {
        result.reason = answer;
        // In `a && grep x`, exit 1 may be a's failure: its error text says so.
        if (compound)
            addOutputErrors(result, shell, line);
        result.outcome = result.errorReasons.isEmpty() ? StepOutcome::NoResult : StepOutcome::Error;
        if (result.outcome == StepOutcome::Error)
            result.reason.clear();
        return result;
    }
    if (shell.exitKnown && shell.exitCode != 0)
        result.errorReasons.append(QStringLiteral("exit %1").arg(shell.exitCode));
    if (shell.signal != 0)
        result.errorReasons.append(QStringLiteral("signal %1").arg(shell.signal));
    result.errorReasons.append(pipelineErrors);
    addOutputErrors(result, shell, line);
    if (!result.errorReasons.isEmpty()) {
        result.outcome = StepOutcome::Error;
        result.reason.clear();
    } else if (!result.reason.isEmpty()) {
        result.outcome = StepOutcome::NoResult;
    } else {
        result.outcome = shell.exitKnown ? StepOutcome::Ok : StepOutcome::Unknown;
    }
    return result;
}

} // namespace trailmark::chains
