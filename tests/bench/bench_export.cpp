// bench_export: how fast `trailmark export` turns stored command events into agent
// chains, next to the SQLite shell dumping the same events table as JSON in the same
// run (the reference: the cost of just reading the rows out as JSON).
//
//   bench_export [--events N] [--sessions S] [--distinct] [--smoke] [--repeat N] [--keep-db PATH]
//
// Builds a database of N command events (start + finish pairs, a tenth of them failing
// and retried) across S sessions through EventWriter, then times, each as a child
// process: `trailmark export --format agent-chain`, `--format openai`, and
// `sqlite3 -json DB "SELECT * FROM events"`. Prints rows/s, the ratio to sqlite3
// (issue 13's target: >= 1.5, the export in two-thirds of sqlite3's time) and the
// export's peak RSS from wait4's rusage (target < 300 MiB).
// The three run in turn, --repeat rounds (default 5), each writing fresh files (the last
// round's are removed untimed), and each figure is its best round: a shared machine's speed drifts over a minute, and
// alternating keeps the reference and the exports on the same stretch of it. The outputs go to /dev/shm when there is
// one: the kernel writing back an earlier round's gigabyte to disk would take a core from the next round.
// --distinct: every command line is another (the retries aside): nothing is parsed once
// for many steps, the worst case for the export's caches.
// --smoke: small N, checks that everything runs and produces rows; no targets.
// --keep-db PATH: build the database at PATH and keep it (reused when it exists), for
// profiling the export by hand.

#include "store/EventWriter.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

using namespace trailmark;

namespace {

struct ChildResult
{
    bool ok = false;
    double seconds = 0;    // wall clock
    double cpuSeconds = 0; // user + system, from the child's rusage
    long maxRssKiB = 0;
};

// Runs a program with stdout to a file (or /dev/null) and returns its time and peak RSS.
ChildResult runOnce(const std::vector<std::string>& argv, const std::string& stdoutPath)
{
    std::vector<char*> args;
    for (const auto& arg : argv)
        args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        const int out = ::open(stdoutPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (out >= 0) {
            ::dup2(out, STDOUT_FILENO);
            ::close(out);
        }
        const int devNull = ::open("/dev/null", O_WRONLY);
        if (devNull >= 0)
            ::dup2(devNull, STDERR_FILENO); // progress lines would skew nothing, but clutter
        ::execvp(args[0], args.data());
        std::_Exit(127);
    }
    ChildResult result;
    if (pid < 0)
        return result;
    int status = 0;
    struct rusage usage
    {};
    if (::wait4(pid, &status, 0, &usage) != pid)
        return result;
    result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.maxRssKiB = usage.ru_maxrss;
    result.cpuSeconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                        static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    return result;
}

const char* const kCommands[] = {
    "make -j4",
    "pytest tests/test_parser.py -x",
    "git status",
    "git diff --stat",
    "vim src/parser.py",
    "ls -la build/",
    "cargo build --release",
    "grep -rn TODO src/",
    "docker compose up -d db",
    "curl -sS http://localhost:8080/health",
};

// distinct: every command line different (a counter argument), so no cache of parsed
// lines helps; otherwise the ten lines above come round again, as an expert's do.
bool buildDatabase(const QString& path, qint64 events, int sessions, bool distinct)
{
    QString error;
    auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
    if (!store) {
        std::fprintf(stderr, "bench_export: %s\n", qPrintable(error));
        return false;
    }
    store::EventWriter writer(*store);
    const qint64 commandsPerSession = events / 2 / sessions;
    const std::string output =
        "collected 12 items\n\ntests/test_parser.py ........                                      [ 66%]\n"
        "tests/test_lexer.py ....                                          [100%]\n\n12 passed in 0.31s\n";
    const std::string failure = "src/parser.py:41: error: unexpected indent\nFAILED (errors=1)\n";
    qint64 nowNs = 1'767'225'600'000'000'000;
    for (int s = 0; s < sessions; ++s) {
        v1::Session session;
        session.set_task("benchmark session " + std::to_string(s));
        session.set_started_ns(nowNs);
        session.set_state(v1::Session::STATE_FINISHED);
        if (!store->createSession(session, &error)) {
            std::fprintf(stderr, "bench_export: %s\n", qPrintable(error));
            return false;
        }
        for (qint64 c = 0; c < commandsPerSession; ++c) {
            const bool fails = c % 10 == 3;
            const bool retry = c % 10 == 4; // re-runs the failed one
            // The failing command is a build or a test run (make, pytest), which exit 1 on
            // failure; an exit 1 of `git diff` would be an answer, not an error.
            std::string command = fails || retry ? kCommands[(c / 10) % 2] : kCommands[c % std::size(kCommands)];
            if (distinct)
                command += " --bench-run=" + std::to_string(retry ? c - 1 : c);
            const std::string commandId = std::to_string(s) + "-" + std::to_string(c);
            v1::Event started;
            started.set_session_id(session.id());
            started.set_time_ns(nowNs);
            auto* start = started.mutable_command_started();
            start->set_command_id(commandId);
            start->set_command(command);
            start->set_cwd("/home/expert/project");
            start->set_shell("bash");
            start->set_shell_session_id("shell-" + std::to_string(s % 3));
            nowNs += 150'000'000;
            v1::Event finished;
            finished.set_session_id(session.id());
            finished.set_time_ns(nowNs);
            auto* finish = finished.mutable_command_finished();
            finish->set_command_id(commandId);
            finish->set_exit_code(fails ? 1 : 0);
            finish->set_duration_ns(150'000'000);
            finish->set_output_head(fails ? failure : output);
            finish->set_output_bytes(finish->output_head().size());
            finish->set_output_captured(true);
            nowNs += 2'000'000'000;
            if (!writer.append(started, &error) || !writer.append(finished, &error)) {
                std::fprintf(stderr, "bench_export: %s\n", qPrintable(error));
                return false;
            }
        }
    }
    return writer.flush(&error);
}

qint64 countLines(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    qint64 lines = 0;
    while (!file.atEnd()) {
        const QByteArray chunk = file.read(1 << 20);
        lines += chunk.count('\n');
    }
    return lines;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    qint64 events = 1'000'000;
    int sessions = 400;
    bool smoke = false;
    int repeat = 5;
    QString keptDatabase;
    bool distinct = false;
    const QStringList arguments = application.arguments();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        if (arguments.at(i) == QLatin1String("--events") && i + 1 < arguments.size())
            events = arguments.at(++i).toLongLong();
        else if (arguments.at(i) == QLatin1String("--sessions") && i + 1 < arguments.size())
            sessions = arguments.at(++i).toInt();
        else if (arguments.at(i) == QLatin1String("--smoke"))
            smoke = true;
        else if (arguments.at(i) == QLatin1String("--repeat") && i + 1 < arguments.size())
            repeat = std::max(1, arguments.at(++i).toInt());
        else if (arguments.at(i) == QLatin1String("--distinct"))
            distinct = true;
        else if (arguments.at(i) == QLatin1String("--keep-db") && i + 1 < arguments.size())
            keptDatabase = arguments.at(++i);
        else {
            std::fprintf(stderr, "usage: bench_export [--events N] [--sessions S] [--distinct] [--smoke] [--repeat N] "
                                 "[--keep-db PATH]\n");
            return 2;
        }
    }
    if (smoke) {
        events = 20'000;
        sessions = 8;
        repeat = 1;
    }
    QTemporaryDir directory;
    const QString database = keptDatabase.isEmpty() ? directory.filePath(QStringLiteral("bench.db")) : keptDatabase;
    std::printf("bench_export: building %lld command events in %d sessions...\n", static_cast<long long>(events),
                sessions);
    std::fflush(stdout);
    const auto buildStart = std::chrono::steady_clock::now();
    if (!QFileInfo::exists(database) && !buildDatabase(database, events, sessions, distinct))
        return 1;
    const double buildSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - buildStart).count();
    const qint64 stored = (events / 2 / sessions) * 2 * sessions;
    std::printf("  database: %.1f s through EventWriter, %.0f MiB\n", buildSeconds,
                static_cast<double>(QFileInfo(database).size()) / (1 << 20));

    const std::string db = database.toStdString();
    // Outputs: memory-backed when there is /dev/shm (see the top).
    QTemporaryDir shm(QStringLiteral("/dev/shm/bench_export-XXXXXX"));
    const QString outputs = shm.isValid() ? shm.path() : directory.path();
    std::printf("  outputs in %s; best of %d alternating rounds\n", qPrintable(outputs), repeat);
    const std::vector<std::string> sqliteArgv = {TRAILMARK_SQLITE3, "-json", db, "SELECT * FROM events"};
    const std::string sqliteOut = QString(outputs + QStringLiteral("/events.json")).toStdString();
    const char* const formats[] = {"agent-chain", "openai"};
    ChildResult sqlite;
    ChildResult exports[std::size(formats)];
    long exportRss[std::size(formats)] = {};
    const auto keepBest = [](ChildResult& best, const ChildResult& run) {
        if (!best.ok || run.seconds < best.seconds)
            best = run;
    };
    for (int round = 0; round < repeat; ++round) {
        // Every run writes fresh files: removing the last round's output is not
        // part of either figure.
        QFile::remove(QString::fromStdString(sqliteOut));
        const ChildResult reference = runOnce(sqliteArgv, sqliteOut);
        if (!reference.ok) {
            std::fprintf(stderr, "bench_export: sqlite3 -json failed\n");
            return 1;
        }
        keepBest(sqlite, reference);
        for (size_t f = 0; f < std::size(formats); ++f) {
            const QString out = outputs + QStringLiteral("/export-") + QLatin1String(formats[f]);
            QDir(out).removeRecursively();
            const ChildResult run = runOnce(
                {TRAILMARK_BINARY, "--db", db, "export", "--format", formats[f], "--out", out.toStdString(), "--force"},
                "/dev/null");
            if (!run.ok) {
                std::fprintf(stderr, "bench_export: trailmark export --format %s failed\n", formats[f]);
                return 1;
            }
            keepBest(exports[f], run);
            exportRss[f] = std::max(exportRss[f], run.maxRssKiB);
        }
    }
    const double sqliteRate = static_cast<double>(stored) / sqlite.seconds;
    const double sqliteCpuRate = static_cast<double>(stored) / sqlite.cpuSeconds;
    std::printf(
        "  reference sqlite3 -json : %9.0f events/s  (%.2f s wall, %.2f s CPU, peak RSS %ld MiB, %.1f MiB output)\n",
        sqliteRate, sqlite.seconds, sqlite.cpuSeconds, sqlite.maxRssKiB / 1024,
        static_cast<double>(QFileInfo(QString::fromStdString(sqliteOut)).size()) / (1 << 20));

    bool allMet = true;
    for (size_t f = 0; f < std::size(formats); ++f) {
        const char* format = formats[f];
        const ChildResult& run = exports[f];
        const QString out = outputs + QStringLiteral("/export-") + QLatin1String(format);
        const QString file =
            out + (QLatin1String(format) == QLatin1String("openai") ? QStringLiteral("/openai/train.jsonl")
                                                                    : QStringLiteral("/agent_chain/train.jsonl"));
        const qint64 rows = countLines(file);
        const double rate = static_cast<double>(stored) / run.seconds;
        const double ratio = rate / sqliteRate;
        const double rssMiB = static_cast<double>(exportRss[f]) / 1024;
        const bool met = ratio >= 1.5 && rssMiB < 300;
        allMet = allMet && met;
        // The CPU ratio is steadier than the wall-clock one on a machine shared with
        // other work; the target is on wall clock (the export uses every core).
        const double cpuRatio = (static_cast<double>(stored) / run.cpuSeconds) / sqliteCpuRate;
        std::printf(
            "  export %-16s: %9.0f events/s  (%.2f s wall, %.2f s CPU, %lld rows, %.1f MiB output)\n"
            "      ratio to sqlite3 %.2f wall, %.2f CPU (target >= 1.5 wall); peak RSS %.0f MiB (target < 300): %s\n",
            format, rate, run.seconds, run.cpuSeconds, static_cast<long long>(rows),
            static_cast<double>(QFileInfo(file).size()) / (1 << 20), ratio, cpuRatio, rssMiB, met ? "MET" : "MISSED");
        if (rows <= 0) {
            std::fprintf(stderr, "bench_export: %s wrote no rows\n", format);
            return 1;
        }
    }
    std::fflush(stdout);
    // Targets are figures to read, not a pass/fail gate: a loaded shared machine skews
    // them. The smoke run only proves the benchmark still works end to end.
    if (!smoke && !allMet)
        std::printf("bench_export: a target was missed\n");
    return 0;
}
