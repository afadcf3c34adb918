// bench_team: the team store on a real PostgreSQL 15 server started here, each figure
// next to a reference measured in the same run.
//
//   bench_team [--experts N] [--events E] [--reviewers R] [--smoke]
//
// 1. Push: N experts (default 20), each with their own SQLite file holding one finished
//    session of E events (default 20,000), run `trailmark push` at once, each as their
//    own role. Reference: COPY of the same rows into the same tables of a second
//    database, N connections at once (rows prepared beforehand: COPY's floor).
// 2. Claims: R reviewers (default 10) claim at once from the queue, each on their own
//    connection, submitting and claiming again until the queue is empty. Prints the
//    claim latency (median, p95, max) next to a bare round trip (SELECT 1), and checks
//    that no session was handed out twice.
// 3. Export: an admin's `trailmark team export` of every session against `trailmark
//    export` of the same sessions pulled into a local file (agent-chain and openai),
//    wall time and peak RSS of each, and that the two give the same bytes.
// --smoke: 3 experts of 500 events and 3 reviewers; checks that everything runs.

#include "PgServer.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "store/Store.h"
#include "team/EventCopy.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"
#include "team/TeamStore.h"

#include <QCoreApplication>
#include <QTemporaryDir>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace trailmark;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

// Starts trailmark with TRAILMARK_TEAM set; stdout and stderr to /dev/null.
pid_t startTrailmark(const std::vector<std::string>& arguments, const std::string& team)
{
    std::vector<std::string> argv{TRAILMARK_BINARY};
    argv.insert(argv.end(), arguments.begin(), arguments.end());
    std::vector<char*> args;
    for (auto& argument : argv)
        args.push_back(argument.data());
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setenv("TRAILMARK_TEAM", team.c_str(), 1);
        const int devNull = ::open("/dev/null", O_WRONLY);
        if (devNull >= 0) {
            ::dup2(devNull, STDOUT_FILENO);
            ::dup2(devNull, STDERR_FILENO);
        }
        ::execv(args[0], args.data());
        std::_Exit(127);
    }
    return pid;
}

struct Finished
{
    bool ok = false;
    long maxRssKiB = 0;
};

Finished waitFor(pid_t pid)
{
    int status = 0;
    struct rusage usage
    {};
    Finished finished;
    if (pid > 0 && ::wait4(pid, &status, 0, &usage) == pid) {
        finished.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
        finished.maxRssKiB = usage.ru_maxrss;
    }
    return finished;
}

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[std::min(index, values.size() - 1)];
}

// One finished session of about `events` events in a file of its own.
QString expertSession(const QString& path, int expert, int events)
{
    QString error;
    auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
    if (!store)
        return {};
    const QString id = test::createSession(*store, QStringLiteral("migrate service %1 to the new queue").arg(expert));
    {
        test::SessionScript script(*store, id);
        const QByteArray output = "ok: 214 passed, 3 skipped in 12.40s\nwarning: deprecated option --foo\n";
        for (int i = 0; i < events / 2; ++i)
            script.command("pytest -x tests/test_" + QByteArray::number(i % 23) +
                               ".py --maxfail=" + QByteArray::number(i % 5),
                           i % 9 == 4 ? 1 : 0, output);
        if (!script.flush())
            return {};
    }
    auto session = store->session(id, &error);
    if (!session)
        return {};
    session->set_state(v1::Session::STATE_FINISHED);
    return store->updateSession(*session, &error) ? id : QString();
}

// The rows a push sends, as the same COPY text.
std::string copyRows(const QString& path, const QString& sessionId)
{
    QString error;
    auto store = store::Store::open(path, store::Store::Access::ReadOnly, &error);
    std::string rows;
    const std::string session = sessionId.toStdString();
    store->readEventRows(
        sessionId, 0, -1,
        [&](const store::Store::EventRow& row) {
            team::appendEventCopyRow(rows, session, row);
            return true;
        },
        &error);
    return rows;
}

int fail(const QString& message)
{
    std::fprintf(stderr, "bench_team: %s\n", qPrintable(message));
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    int experts = 20, events = 20'000, reviewers = 10;
    const QStringList arguments = app.arguments();
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (argument == QLatin1String("--smoke")) {
            experts = 3;
            events = 500;
            reviewers = 3;
        } else if (argument == QLatin1String("--experts") && i + 1 < arguments.size()) {
            experts = arguments.at(++i).toInt();
        } else if (argument == QLatin1String("--events") && i + 1 < arguments.size()) {
            events = arguments.at(++i).toInt();
        } else if (argument == QLatin1String("--reviewers") && i + 1 < arguments.size()) {
            reviewers = arguments.at(++i).toInt();
        } else {
            return fail(QStringLiteral("usage: bench_team [--experts N] [--events E] [--reviewers R] [--smoke]"));
        }
    }
    if (experts < 1 || events < 2 || reviewers < 1)
        return fail(QStringLiteral("--experts, --events and --reviewers must be positive"));

    QString error;
    test::PgServer server;
    if (!server.start(&error))
        return fail(error);
    {
        auto owner = team::PgConnection::open(server.connectionString(), &error);
        int fromVersion = 0;
        if (!owner || !team::schema::initialize(*owner, &fromVersion, &error) ||
            !owner->exec(QStringLiteral("CREATE DATABASE reference"), &error))
            return fail(error);
    }
    const QString referenceDb = server.connectionString() + QStringLiteral(" dbname=reference");
    {
        auto reference = team::PgConnection::open(referenceDb, &error);
        int fromVersion = 0;
        if (!reference || !team::schema::initialize(*reference, &fromVersion, &error))
            return fail(error);
    }
    QString roles = QStringLiteral("CREATE ROLE admin LOGIN IN ROLE trailmark_admin;");
    for (int i = 0; i < experts; ++i)
        roles += QStringLiteral("CREATE ROLE expert%1 LOGIN IN ROLE trailmark_expert;").arg(i);
    for (int i = 0; i < reviewers; ++i)
        roles += QStringLiteral("CREATE ROLE reviewer%1 LOGIN IN ROLE trailmark_reviewer;").arg(i);
    if (!server.sql(roles, &error))
        return fail(error);

    QTemporaryDir work;
    std::vector<QString> files, sessions;
    std::fprintf(stdout, "bench_team: %d experts x %d events, %d reviewers\n", experts, events, reviewers);
    std::fflush(stdout);
    for (int i = 0; i < experts; ++i) {
        files.push_back(work.filePath(QStringLiteral("expert%1.db").arg(i)));
        sessions.push_back(expertSession(files.back(), i, events));
        if (sessions.back().isEmpty())
            return fail(QStringLiteral("cannot build the session of expert %1").arg(i));
    }
    qint64 totalEvents = 0;
    for (size_t i = 0; i < files.size(); ++i) {
        auto store = store::Store::open(files[i], store::Store::Access::ReadOnly, &error);
        totalEvents += store ? *store->eventCount(sessions[i], &error) : 0;
    }

    // 1. Push, all experts at once, then COPY of the same rows.
    const auto pushStart = Clock::now();
    std::vector<pid_t> pushes;
    for (int i = 0; i < experts; ++i)
        pushes.push_back(startTrailmark({"--db", files[static_cast<size_t>(i)].toStdString(), "push", "--all-finished"},
                                        server.connectionString(QStringLiteral("expert%1").arg(i)).toStdString()));
    bool pushesOk = true;
    for (pid_t pid : pushes)
        pushesOk = waitFor(pid).ok && pushesOk;
    const double pushSeconds = secondsSince(pushStart);
    if (!pushesOk)
        return fail(QStringLiteral("a push failed"));

    std::vector<std::string> rows;
    for (size_t i = 0; i < files.size(); ++i)
        rows.push_back(copyRows(files[i], sessions[i]));
    {
        // The sessions first (not timed): the events refer to them.
        auto reference = team::PgConnection::open(referenceDb, &error);
        for (size_t i = 0; reference && i < sessions.size(); ++i) {
            if (!reference->query("INSERT INTO trailmark.sessions (id, started_ns, payload, event_count) VALUES "
                                  "($1::uuid, 0, '', 0)",
                                  {team::PgParam::text(sessions[i])}, &error))
                return fail(error);
        }
    }
    std::atomic<bool> copiesOk{true};
    const auto copyStart = Clock::now();
    {
        std::vector<std::thread> copies;
        for (size_t i = 0; i < rows.size(); ++i)
            copies.emplace_back([&, i] {
                QString copyError;
                auto connection = team::PgConnection::open(referenceDb, &copyError);
                if (!connection || !connection->copyIn("COPY trailmark.events FROM STDIN", rows[i], &copyError)) {
                    std::fprintf(stderr, "bench_team: COPY: %s\n", qPrintable(copyError));
                    copiesOk = false;
                }
            });
        for (auto& copy : copies)
            copy.join();
    }
    const double copySeconds = secondsSince(copyStart);
    if (!copiesOk)
        return fail(QStringLiteral("the reference COPY failed"));
    std::printf("push: %d experts at once, %lld events in %.2f s (%.0f events/s); COPY of the same rows %.2f s "
                "(%.0f events/s); push takes %.2fx COPY's time\n",
                experts, static_cast<long long>(totalEvents), pushSeconds,
                static_cast<double>(totalEvents) / pushSeconds, copySeconds,
                static_cast<double>(totalEvents) / copySeconds, pushSeconds / copySeconds);
    std::fflush(stdout);

    // 2. Claims: every reviewer at once, claim, submit, claim again until none is left.
    std::vector<double> claimMs, roundTripMs;
    std::mutex lock;
    std::set<QString> claimedSessions;
    std::atomic<int> duplicates{0};
    std::atomic<int> ready{0};
    {
        std::vector<std::thread> threads;
        for (int r = 0; r < reviewers; ++r)
            threads.emplace_back([&, r] {
                QString claimError;
                auto team =
                    team::TeamStore::connect(server.connectionString(QStringLiteral("reviewer%1").arg(r)), &claimError);
                if (!team)
                    return;
                for (int i = 0; i < 5; ++i) {
                    const auto start = Clock::now();
                    team->connection().query("SELECT 1", {}, &claimError);
                    const std::lock_guard guard(lock);
                    roundTripMs.push_back(secondsSince(start) * 1000);
                }
                ++ready;
                while (ready.load() < reviewers) // all start claiming at the same moment
                    std::this_thread::yield();
                for (;;) {
                    const auto start = Clock::now();
                    const auto claim = team->claimNext(60, {}, &claimError);
                    const double ms = secondsSince(start) * 1000;
                    if (!claim || claim->sessionId.isEmpty())
                        break;
                    {
                        const std::lock_guard guard(lock);
                        claimMs.push_back(ms);
                        if (!claimedSessions.insert(claim->sessionId).second)
                            ++duplicates;
                    }
                    team->connection().query("SELECT trailmark.submit_review($1::uuid)",
                                             {team::PgParam::text(claim->sessionId)}, &claimError);
                }
            });
        for (auto& thread : threads)
            thread.join();
    }
    std::printf("claims: %d reviewers at once, %zu claims, latency median %.1f ms, p95 %.1f ms, max %.1f ms; a bare "
                "round trip (SELECT 1) median %.2f ms; sessions handed out twice: %d\n",
                reviewers, claimMs.size(), percentile(claimMs, 0.5), percentile(claimMs, 0.95),
                percentile(claimMs, 1.0), percentile(roundTripMs, 0.5), duplicates.load());
    std::fflush(stdout);
    if (duplicates.load() != 0 || claimedSessions.size() != static_cast<size_t>(experts))
        return fail(QStringLiteral("claims collided or missed sessions (%1 of %2 claimed)")
                        .arg(claimedSessions.size())
                        .arg(experts));

    // 3. Export: from the team store, and locally from the same sessions pulled.
    const std::string admin = server.connectionString(QStringLiteral("admin")).toStdString();
    const std::string adminFile = work.filePath(QStringLiteral("admin.db")).toStdString();
    const auto pullStart = Clock::now();
    std::vector<std::string> pullArguments{"--db", adminFile, "pull"};
    for (const QString& session : sessions)
        pullArguments.push_back(session.toStdString());
    if (!waitFor(startTrailmark(pullArguments, admin)).ok)
        return fail(QStringLiteral("the admin's pull failed"));
    const double pullSeconds = secondsSince(pullStart);
    const std::string formats = "agent-chain,openai";
    const QString localOut = work.filePath(QStringLiteral("local-export"));
    const QString teamOut = work.filePath(QStringLiteral("team-export"));
    const auto localStart = Clock::now();
    const Finished local = waitFor(
        startTrailmark({"--db", adminFile, "export", "--format", formats, "--out", localOut.toStdString()}, admin));
    const double localSeconds = secondsSince(localStart);
    const auto teamStart = Clock::now();
    const Finished team = waitFor(startTrailmark(
        {"--db", adminFile, "team", "export", "--format", formats, "--out", teamOut.toStdString()}, admin));
    const double teamSeconds = secondsSince(teamStart);
    if (!local.ok || !team.ok)
        return fail(QStringLiteral("an export failed"));
    const bool same = test::filesUnder(localOut) == test::filesUnder(teamOut);
    std::printf("export (%s) of %lld events: team export %.2f s, peak RSS %.0f MiB; local export of the same sessions "
                "%.2f s, peak RSS %.0f MiB; team takes %.2fx local's time (its pull alone: %.2f s); files identical: "
                "%s\n",
                formats.c_str(), static_cast<long long>(totalEvents), teamSeconds,
                static_cast<double>(team.maxRssKiB) / 1024, localSeconds, static_cast<double>(local.maxRssKiB) / 1024,
                teamSeconds / localSeconds, pullSeconds, same ? "yes" : "NO");
    return same ? 0 : 1;
}
