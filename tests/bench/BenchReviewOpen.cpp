// How fast a very long session opens for review: N command events (default 1,000,000,
// half starts, half finishes) in one session, then the review view opens it. Prints
// the time to the first screen of steps, to the whole session outlined, and the cost of
// scrolling the step list to 200 places (each a page of steps derived again), next to a
// reference measured in the same run: reading the same first screen of events with a
// bare SQL query on the same file. Ends with the peak RSS (issue 13: < 200 MB for
// 1,000,000 events).
//
//   bench_review_open [N]

#include "gui/ReviewView.h"
#include "gui/StepListModel.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace trailmark;

int main(int argc, char* argv[])
{
    QApplication application(argc, argv);
    spdlog::set_level(spdlog::level::warn);
    const qint64 count = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("bench.db"));
    QString error;
    QString sessionId;
    {
        auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
        v1::Session session;
        session.set_task("a very long session");
        store->createSession(session, &error);
        sessionId = QString::fromStdString(session.id());
        store::EventWriter writer(*store);
        qint64 timeNs = session.started_ns();
        for (qint64 i = 0; i < count; ++i) {
            v1::Event event;
            event.set_session_id(session.id());
            event.set_time_ns(timeNs += 50'000'000);
            const std::string id = "7-" + std::to_string(i / 2);
            if (i % 2 == 0) {
                auto* started = event.mutable_command_started();
                started->set_command_id(id);
                started->set_command(i % 14 == 0 ? "make test" : "ls -la src/");
                started->set_cwd("/home/ada/src");
                started->set_shell("bash");
                started->set_shell_session_id("bash-7");
            } else {
                auto* finished = event.mutable_command_finished();
                finished->set_command_id(id);
                finished->set_exit_code(i % 14 == 1 ? 2 : 0);
                finished->set_duration_ns(20'000'000);
            }
            if (!writer.append(event, &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
        }
        writer.flush(&error);
    }

    auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
    // Reference: the first screen of events (400 rows) straight from SQLite.
    QElapsedTimer reference;
    reference.start();
    {
        store::SqliteStatement select(
            store->handle(),
            "SELECT id, seq, time_ns, kind, payload FROM events WHERE session = 1 ORDER BY seq LIMIT 400");
        int rows = 0;
        while (select.step())
            ++rows;
    }
    const double referenceMs = static_cast<double>(reference.nsecsElapsed()) / 1e6;

    gui::ReviewView review(*store);
    review.resize(1280, 800);
    review.show();
    QElapsedTimer open;
    double firstScreenMs = -1;
    QObject::connect(review.stepModel(), &QAbstractItemModel::rowsInserted, &review, [&] {
        if (firstScreenMs < 0)
            firstScreenMs = static_cast<double>(open.nsecsElapsed()) / 1e6;
    });
    QSignalSpy loaded(&review, &gui::ReviewView::loaded);
    open.start();
    review.openSession(sessionId);
    loaded.wait(600'000);
    const double fullMs = static_cast<double>(open.nsecsElapsed()) / 1e6;

    // Scrolling: jump the step list to 200 places and let each paint; the slowest
    // frame is what a person would notice as a stall.
    auto* table = review.findChild<QTableView*>(QStringLiteral("stepTable"));
    QScrollBar* bar = table->verticalScrollBar();
    // The first paint once every row is in: Qt lays out the list's rows once (its
    // header keeps one entry per row), a cost of loading, not of scrolling.
    QElapsedTimer firstPaint;
    firstPaint.start();
    table->viewport()->repaint();
    const double firstPaintMs = static_cast<double>(firstPaint.nsecsElapsed()) / 1e6;
    std::vector<double> frames;
    std::vector<double> inOrder;
    for (int i = 0; i < 200; ++i) {
        QElapsedTimer frame;
        frame.start();
        bar->setValue(static_cast<int>(static_cast<qint64>(bar->maximum()) * ((i * 7919) % 200) / 199));
        table->viewport()->repaint();
        frames.push_back(static_cast<double>(frame.nsecsElapsed()) / 1e6);
        inOrder.push_back(frames.back());
    }
    if (qEnvironmentVariableIsSet("BENCH_VERBOSE"))
        for (size_t i = 0; i < inOrder.size(); ++i)
            if (inOrder[i] > 16.7)
                std::printf("  slow frame %zu: %.1f ms\n", i, inOrder[i]);
    std::sort(frames.begin(), frames.end());

    std::printf("bench_review_open: %lld events, %d steps\n", static_cast<long long>(count),
                review.stepModel()->stepCount());
    std::printf("  first screen of steps         %8.1f ms (target < 300 ms)\n", firstScreenMs);
    std::printf("  whole session outlined        %8.1f ms (in the background)\n", fullMs);
    std::printf("  first paint once loaded       %8.1f ms (rows laid out once)\n", firstPaintMs);
    std::printf("  reference: first 400 events by bare SQL %6.2f ms\n", referenceMs);
    std::printf("  scroll frame median / p99 / max %6.2f / %.2f / %.2f ms (a frame is 16.7 ms)\n",
                frames[frames.size() / 2], frames[frames.size() * 99 / 100], frames.back());
    std::printf("  steps kept whole after scrolling %d of %d\n", review.stepModel()->cachedStepCount(),
                review.stepModel()->stepCount());
    // Peak resident memory of this process: the database was written by it too, but
    // through SQLite's small page cache; what stays is the open session (issue 13's
    // target: < 200 MB for 1,000,000 events).
    QFile status(QStringLiteral("/proc/self/status"));
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray& line : status.readAll().split('\n')) {
            if (line.startsWith("VmHWM:"))
                std::printf("  peak RSS                      %8.1f MiB\n",
                            line.mid(6).trimmed().split(' ').first().toDouble() / 1024);
        }
    }
    return 0;
}
