// Benchmark of a dataset of many sessions (issue 13, part 8): a database of N sessions
// (default 10,000), each a short realistic task of 30 events, and what a data foundry
// does with it:
//   - `trailmark sessions` and `trailmark stats` (whole-process wall time, best of 3);
//   - the Sessions tab: loading the list, and each search and filter change (the time a
//     keystroke in the search box takes, against one 16.7 ms frame);
// next to the reference of `sqlite3` listing the sessions table in the same run.
//
//   bench_sessions [SESSIONS]
#include "gui/SessionBrowser.h"
#include "gui/SessionListModel.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <functional>

using namespace trailmark;

namespace {

double bestOfThreeMs(const std::function<void()>& work)
{
    double best = 1e18;
    for (int round = 0; round < 3; ++round) {
        QElapsedTimer timer;
        timer.start();
        work();
        best = std::min(best, static_cast<double>(timer.nsecsElapsed()) / 1e6);
    }
    return best;
}

void runOrDie(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.start(program, arguments);
    if (!process.waitForFinished(600'000) || process.exitCode() != 0) {
        std::fprintf(stderr, "bench_sessions: %s failed: %s\n", qPrintable(program),
                     process.readAllStandardError().constData());
        std::exit(1);
    }
    process.readAllStandardOutput();
}

} // namespace

int main(int argc, char* argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication application(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const int count = argc > 1 ? std::max(10, std::atoi(argv[1])) : 10'000;
    QTemporaryDir directory;
    // For a look with a profiler: TRAILMARK_BENCH_KEEP=1 keeps the database.
    if (qEnvironmentVariableIsSet("TRAILMARK_BENCH_KEEP"))
        directory.setAutoRemove(false);
    const QString path = directory.filePath(QStringLiteral("bench.db"));
    QString error;
    const char* tasks[] = {"fix the CSV parser",          "make the flaky CI job pass", "upgrade the ORM",
                           "add retries to the uploader", "profile the slow report",    "rename the config keys"};
    {
        auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
        if (!store) {
            std::fprintf(stderr, "bench_sessions: %s\n", qPrintable(error));
            return 1;
        }
        store::EventWriter writer(*store);
        for (int s = 0; s < count; ++s) {
            v1::Session session;
            session.set_task(std::string(tasks[s % 6]) + " #" + std::to_string(s));
            session.set_expert(s % 3 == 0 ? "ada" : s % 3 == 1 ? "grace" : "linus");
            session.set_host(s % 2 ? "build-01" : "laptop");
            session.set_started_ns(1'767'225'600'000'000'000LL + s * 3'600'000'000'000LL);
            session.set_state(v1::Session::STATE_FINISHED);
            if (!store->createSession(session, &error)) {
                std::fprintf(stderr, "bench_sessions: %s\n", qPrintable(error));
                return 1;
            }
            qint64 timeNs = session.started_ns();
            for (int i = 0; i < 30; ++i) {
                v1::Event event;
                event.set_session_id(session.id());
                event.set_time_ns(timeNs += 2'000'000'000);
                const std::string id = "c" + std::to_string(i / 2);
                if (i == 29) {
                    event.mutable_note()->set_text("done: the parser strips spaces now");
                } else if (i % 2 == 0) {
                    event.mutable_command_started()->set_command_id(id);
                    event.mutable_command_started()->set_command(i % 6 == 0 ? "pytest -q" : "git diff --stat");
                    event.mutable_command_started()->set_cwd("/home/ada/src/stock");
                } else {
                    event.mutable_command_finished()->set_command_id(id);
                    event.mutable_command_finished()->set_exit_code(i == 1 && s % 4 == 0 ? 1 : 0);
                }
                if (!writer.append(event, &error)) {
                    std::fprintf(stderr, "bench_sessions: %s\n", qPrintable(error));
                    return 1;
                }
            }
        }
        if (!writer.flush(&error)) {
            std::fprintf(stderr, "bench_sessions: %s\n", qPrintable(error));
            return 1;
        }
    }
    std::printf("%d sessions, %d events\n", count, count * 30);

    const double reference = bestOfThreeMs([&] {
        runOrDie(QStringLiteral(TRAILMARK_SQLITE3), {path, QStringLiteral("SELECT hex(id), length(payload), started_ns "
                                                                          "FROM sessions ORDER BY started_ns DESC")});
    });
    const double sessions = bestOfThreeMs([&] {
        runOrDie(QStringLiteral(TRAILMARK_BINARY), {QStringLiteral("--db"), path, QStringLiteral("sessions")});
    });
    const double sessionsJson = bestOfThreeMs([&] {
        runOrDie(QStringLiteral(TRAILMARK_BINARY),
                 {QStringLiteral("--db"), path, QStringLiteral("sessions"), QStringLiteral("--json")});
    });
    const double stats = bestOfThreeMs([&] {
        runOrDie(QStringLiteral(TRAILMARK_BINARY), {QStringLiteral("--db"), path, QStringLiteral("stats")});
    });
    std::printf("sqlite3 listing the sessions table: %.0f ms\n", reference);
    std::printf("trailmark sessions: %.0f ms (%.1fx the reference); --json %.0f ms\n", sessions, sessions / reference,
                sessionsJson);
    std::printf("trailmark stats: %.0f ms (%.1fx the reference)\n", stats, stats / reference);

    // The Sessions tab, in process: the list, then what each keystroke and filter does.
    auto store = store::Store::open(path, store::Store::Access::ReadOnly, &error);
    gui::SessionListModel model(*store);
    const double refresh = bestOfThreeMs([&] {
        if (!model.refresh(&error)) {
            std::fprintf(stderr, "bench_sessions: %s\n", qPrintable(error));
            std::exit(1);
        }
    });
    gui::SessionFilterModel filter;
    filter.setSourceModel(&model);
    double worst = 0;
    int visible = 0;
    const auto measure = [&](const char* what, const std::function<void()>& change) {
        QElapsedTimer timer;
        timer.start();
        change();
        visible = filter.rowCount();
        const double ms = static_cast<double>(timer.nsecsElapsed()) / 1e6;
        worst = std::max(worst, ms);
        std::printf("  %-34s %7.2f ms, %d rows shown\n", what, ms, visible);
    };
    std::printf("Sessions tab: list loaded in %.0f ms (off the GUI thread in the app)\n", refresh);
    measure("search 'p'", [&] { filter.setSearchText(QStringLiteral("p")); });
    measure("search 'pa'", [&] { filter.setSearchText(QStringLiteral("pa")); });
    measure("search 'parser'", [&] { filter.setSearchText(QStringLiteral("parser")); });
    measure("search 'parser #99'", [&] { filter.setSearchText(QStringLiteral("parser #99")); });
    measure("search cleared", [&] { filter.setSearchText(QString()); });
    measure("state: finished", [&] { filter.setState(v1::Session::STATE_FINISHED); });
    measure("since: the last 30 days",
            [&] { filter.setSinceNs(1'767'225'600'000'000'000LL + (count - 720) * 3'600'000'000'000LL); });
    measure("search 'grace' with both filters", [&] { filter.setSearchText(QStringLiteral("grace")); });
    std::printf("slowest filter change: %.2f ms (one frame: 16.7 ms)\n", worst);
    return 0;
}
