// Cost of the Trailmark shell hooks per command: an interactive shell on a pty runs N
// trivial commands (`:`) typed ahead, in three set-ups measured in the same run in
// alternating rounds:
//   plain     no hooks at all (the reference);
//   bare      hooks that do nothing (bash: `trap : DEBUG` + PROMPT_COMMAND=:, zsh: empty
//             preexec/precmd), the floor of any hook-based recorder;
//   trailmark `trailmark init` loaded: the bash builtin or zsh module hook (see
//             capture/shell/loadable);
//   functions `trailmark init` with TRAILMARK_BASH_LOADABLE=0 / TRAILMARK_ZSH_MODULE=0:
//             the shell-function hook the shells fall back to without them;
//   exec      hooks that exec /bin/true before and after each command: the floor of a
//             recorder whose hooks run its binary, as atuin's do (`atuin history
//             start` / `end`). Its CPU time is in the children, so compare wall time.
// Reported per command: wall time, and the shell's own CPU time from
// /proc/PID/schedstat (steadier on a loaded machine). "Added" is trailmark - plain.
// The output names the hook that really ran (the rc file asks the shell what __tm_hook is).
//
//   bench_shell_hooks [N]      (default 2000; target: < 50 µs added per command)

#include "PtyDriver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <limits>

using trailmark::test::PtyDriver;

namespace {

struct Round
{
    bool ok = false;
    double wallUs = 0; // per command
    double cpuUs = 0;  // per command
    qint64 spoolBytes = 0;
    bool nativeHook = false; // __tm_hook was the builtin / module
};

enum class Setup
{
    Plain,
    Bare,
    Trailmark,
    TrailmarkFunctions,
    Exec,
};
constexpr int kSetups = 5;

// Nanoseconds the task has run on a CPU (first field of /proc/PID/schedstat).
qint64 cpuNs(pid_t pid)
{
    QFile file(QStringLiteral("/proc/%1/schedstat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return file.readAll().split(' ').value(0).toLongLong();
}

Round runRound(const QString& shell, Setup setup, int commands)
{
    QTemporaryDir home;
    const QString spool = home.path() + QStringLiteral("/spool");
    QByteArray init;
    if (setup == Setup::Trailmark || setup == Setup::TrailmarkFunctions)
        init = "eval \"$('" TRAILMARK_BINARY "' init " + shell.toLatin1() + ")\"\n" +
               (shell == QLatin1String("bash") ? "type -t __tm_hook >\"$HOME/hook\"\n"
                                               : "whence -w __tm_hook >\"$HOME/hook\"\n");
    else if (setup == Setup::Bare)
        init =
            shell == QLatin1String("bash") ? "trap : DEBUG\nPROMPT_COMMAND=:\n" : "preexec() { : }\nprecmd() { : }\n";
    else if (setup == Setup::Exec)
        init = shell == QLatin1String("bash") ? "x_ready=1\nPROMPT_COMMAND='/bin/true; x_ready=1'\n"
                                                "trap '[[ -z $x_ready ]] || { x_ready=; /bin/true; }' DEBUG\n"
                                              : "preexec() { /bin/true }\nprecmd() { /bin/true }\n";
    QStringList program;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), spool);
    environment.insert(QStringLiteral("XDG_STATE_HOME"), home.path() + QStringLiteral("/state"));
    if (setup == Setup::TrailmarkFunctions) {
        environment.insert(QStringLiteral("TRAILMARK_BASH_LOADABLE"), QStringLiteral("0"));
        environment.insert(QStringLiteral("TRAILMARK_ZSH_MODULE"), QStringLiteral("0"));
    }
    if (shell == QLatin1String("bash")) {
        QFile rc(home.path() + QStringLiteral("/bashrc"));
        if (!rc.open(QIODevice::WriteOnly))
            return {};
        rc.write("PS1='$ '\nHISTFILE=/dev/null\n" + init);
        rc.close();
        program = {QStringLiteral("/bin/bash"), QStringLiteral("--noprofile"), QStringLiteral("--rcfile"),
                   rc.fileName(), QStringLiteral("-i")};
    } else {
        QFile rc(home.path() + QStringLiteral("/.zshrc"));
        if (!rc.open(QIODevice::WriteOnly))
            return {};
        rc.write("PS1='%# '\nunset HISTFILE\n" + init);
        rc.close();
        environment.insert(QStringLiteral("ZDOTDIR"), home.path());
        program = {QStringLiteral("/bin/zsh"), QStringLiteral("-i")};
    }
    PtyDriver pty;
    if (!pty.start(program, environment, home.path()) || !pty.run(" true", 20000))
        return {};
    QByteArray batch;
    for (int i = 0; i < commands; ++i)
        batch += ":\r";
    QElapsedTimer timer;
    timer.start();
    const qint64 cpuBefore = cpuNs(pty.pid());
    if (!pty.write(batch) || !pty.run(" true", 120000))
        return {};
    const qint64 elapsedNs = timer.nsecsElapsed();
    const qint64 cpuUsed = cpuNs(pty.pid()) - cpuBefore;
    pty.write("exit\r");
    pty.waitForExit(5000);
    Round round;
    round.ok = true;
    round.wallUs = static_cast<double>(elapsedNs) / 1000.0 / commands;
    round.cpuUs = static_cast<double>(cpuUsed) / 1000.0 / commands;
    for (const QFileInfo& file : QDir(spool).entryInfoList({QStringLiteral("*.spool")}, QDir::Files))
        round.spoolBytes += file.size();
    QFile hook(home.path() + QStringLiteral("/hook"));
    round.nativeHook = hook.open(QIODevice::ReadOnly) && hook.readAll().contains("builtin");
    return round;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    const int commands = argc > 1 ? std::max(1, QString::fromLocal8Bit(argv[1]).toInt()) : 2000;
    // Best of 5: CPU time on a shared VM varies by ±15% between rounds. The exec
    // reference needs fewer: its cost is two orders of magnitude above the noise.
    const int rounds = commands >= 1000 ? 5 : 1;
    const int execRounds = std::min(rounds, 2);
    QTextStream out(stdout);
    bool allOk = true;
    for (const QString& shell : {QStringLiteral("bash"), QStringLiteral("zsh")}) {
        const bool bash = shell == QLatin1String("bash");
        constexpr double kMax = std::numeric_limits<double>::max();
        double wall[kSetups];
        double cpu[kSetups];
        std::fill(wall, wall + kSetups, kMax);
        std::fill(cpu, cpu + kSetups, kMax);
        qint64 spoolBytes[kSetups] = {};
        bool nativeHook[kSetups] = {};
        const auto measure = [&](Setup setup) {
            const Round result = runRound(shell, setup, commands);
            if (!result.ok)
                return false;
            const int index = static_cast<int>(setup);
            wall[index] = std::min(wall[index], result.wallUs);
            cpu[index] = std::min(cpu[index], result.cpuUs);
            spoolBytes[index] = result.spoolBytes;
            nativeHook[index] = result.nativeHook;
            return true;
        };
        for (int round = 0; round < rounds; ++round) {
            // The exec rounds run after the others: thousands of processes ending leave
            // the kernel busy for a while, which would land on the next round.
            for (int setup = 0; setup < static_cast<int>(Setup::Exec); ++setup) {
                if (!measure(static_cast<Setup>(setup))) {
                    out << shell << ": round failed\n";
                    return 1;
                }
            }
        }
        for (int round = 0; round < execRounds; ++round) {
            if (!measure(Setup::Exec)) {
                out << shell << ": exec round failed\n";
                return 1;
            }
        }
        const auto figure = [](double value) {
            return QString::number(value, 'f', 1);
        };
        // Per command, over the plain shell.
        const auto addedWall = [&](Setup setup) {
            return wall[static_cast<int>(setup)] - wall[static_cast<int>(Setup::Plain)];
        };
        const auto addedCpu = [&](Setup setup) {
            return cpu[static_cast<int>(setup)] - cpu[static_cast<int>(Setup::Plain)];
        };
        const auto row = [&](const QString& name, Setup setup, const QString& cpuSuffix = {}) {
            const int index = static_cast<int>(setup);
            return QStringLiteral("  %1 %2 %3\n")
                .arg(name.leftJustified(14), figure(wall[index]).rightJustified(8),
                     QString(figure(cpu[index]) + cpuSuffix).rightJustified(8));
        };
        // Every command must have reached the spool: a start and an end line each.
        const auto recorded = [&](Setup setup) {
            return spoolBytes[static_cast<int>(setup)] > static_cast<qint64>(commands) * 2 * 20;
        };
        const auto added = [&](Setup setup) {
            const int index = static_cast<int>(setup);
            const char* hook = !nativeHook[index] ? "shell functions" : bash ? "loadable builtin" : "module";
            return QStringLiteral("  added by trailmark (%1): %2 µs wall, %3 µs cpu (target < 50); spool %4 bytes%5\n")
                .arg(QLatin1String(hook), figure(addedWall(setup)), figure(addedCpu(setup)))
                .arg(spoolBytes[index])
                .arg(recorded(setup) ? QString() : QStringLiteral(" (COMMANDS MISSING FROM THE SPOOL)"));
        };
        allOk = allOk && recorded(Setup::Trailmark) && recorded(Setup::TrailmarkFunctions);
        out << QStringLiteral("%1: %2 commands `:`, best of %3 rounds, µs per command\n")
                   .arg(shell)
                   .arg(commands)
                   .arg(rounds)
            << QStringLiteral("  %1 %2 %3\n")
                   .arg(QStringLiteral("setup").leftJustified(14), QStringLiteral("wall").rightJustified(8),
                        QStringLiteral("cpu").rightJustified(8))
            << row(QStringLiteral("plain"), Setup::Plain) << row(QStringLiteral("bare hooks"), Setup::Bare)
            << row(QStringLiteral("trailmark"), Setup::Trailmark)
            << row(QStringLiteral("trailmark fn"), Setup::TrailmarkFunctions)
            << row(QStringLiteral("exec hooks"), Setup::Exec, QStringLiteral("*")) << added(Setup::Trailmark)
            << added(Setup::TrailmarkFunctions)
            << QStringLiteral("  bare hooks alone: %1 µs cpu\n").arg(figure(addedCpu(Setup::Bare)))
            << QStringLiteral(
                   "  added by exec hooks (two execs of /bin/true, as an exec-based recorder's floor): %1 µs "
                   "wall, %2x trailmark's (* cpu without the children)\n")
                   .arg(figure(addedWall(Setup::Exec)),
                        figure(addedWall(Setup::Exec) / std::max(addedWall(Setup::Trailmark), 1.0)));
        out.flush();
    }
    return allOk ? 0 : 1;
}
