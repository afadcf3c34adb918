// Cost of the Trailmark shell hooks per command: an interactive shell on a pty runs N
// trivial commands (`:`) with and without `trailmark init` loaded, in the same run,
// alternating rounds; the difference of the best rounds is what the hooks add.
//
//   bench_shell_hooks [N]      (default 2000; target: < 50 µs added per command)

#include "PtyDriver.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>
#include <limits>

using trailmark::test::PtyDriver;

namespace {

struct Round
{
    bool ok = false;
    double usPerCommand = 0;
    qint64 spoolBytes = 0;
};

Round runRound(const QString& shell, bool hooks, int commands)
{
    QTemporaryDir home;
    const QString spool = home.path() + QStringLiteral("/spool");
    const QByteArray init =
        hooks ? QByteArray("eval \"$('" TRAILMARK_BINARY "' init " + shell.toLatin1() + ")\"\n") : QByteArray();
    QStringList program;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), spool);
    environment.insert(QStringLiteral("XDG_STATE_HOME"), home.path() + QStringLiteral("/state"));
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
    if (!pty.write(batch) || !pty.run(" true", 120000))
        return {};
    const qint64 elapsedNs = timer.nsecsElapsed();
    pty.write("exit\r");
    pty.waitForExit(5000);
    Round round;
    round.ok = true;
    round.usPerCommand = static_cast<double>(elapsedNs) / 1000.0 / commands;
    for (const QFileInfo& file : QDir(spool).entryInfoList({QStringLiteral("*.spool")}, QDir::Files))
        round.spoolBytes += file.size();
    return round;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    const int commands = argc > 1 ? std::max(1, QString::fromLocal8Bit(argv[1]).toInt()) : 2000;
    const int rounds = commands >= 1000 ? 5 : 1;
    QTextStream out(stdout);
    bool allOk = true;
    for (const QString& shell : {QStringLiteral("bash"), QStringLiteral("zsh")}) {
        double best[2] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max()};
        qint64 spoolBytes = 0;
        for (int round = 0; round < rounds; ++round) {
            for (int hooks = 0; hooks < 2; ++hooks) {
                const Round result = runRound(shell, hooks == 1, commands);
                if (!result.ok) {
                    out << shell << ": round failed\n";
                    return 1;
                }
                best[hooks] = std::min(best[hooks], result.usPerCommand);
                if (hooks == 1)
                    spoolBytes = result.spoolBytes;
            }
        }
        const double added = best[1] - best[0];
        // Every command must have reached the spool: a start and an end line each.
        const bool recorded = spoolBytes > static_cast<qint64>(commands) * 2 * 20;
        allOk = allOk && recorded;
        out << QStringLiteral("%1: %2 commands, best of %3 rounds: without hooks %4 µs/command, with hooks %5 "
                              "µs/command, added %6 µs/command (target < 50), spool %7 bytes%8\n")
                   .arg(shell)
                   .arg(commands)
                   .arg(rounds)
                   .arg(best[0], 0, 'f', 1)
                   .arg(best[1], 0, 'f', 1)
                   .arg(added, 0, 'f', 1)
                   .arg(spoolBytes)
                   .arg(recorded ? QString() : QStringLiteral(" (COMMANDS MISSING FROM THE SPOOL)"));
        out.flush();
    }
    return allOk ? 0 : 1;
}
