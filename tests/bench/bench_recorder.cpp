// How much the recorder costs and how fast it is, under a real X server and window
// manager: CPU of the `trailmark record` process while idle and while the active window
// changes every 100 ms, and the latency from asking the window manager for a switch to
// the AppSwitch being committed (visible to another reader of the database).
//
// Reference, measured in the same run: the latency until a bare xcb client sees the
// window manager change _NET_ACTIVE_WINDOW; the difference is what the recorder adds.
//
//     bench_recorder [--seconds N] [--interval-ms M] [--screenshots] [--check]
// --check: exit 1 when a target is missed (idle CPU < 0.1 %, median < 300 ms, none missed).
#include "BenchClock.h"
#include "X11TestClient.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace trailmark;
using trailmark::bench::cpuSeconds;
using trailmark::bench::nowNs;
using namespace trailmark::test;

namespace {

double percentile(QList<double> values, double fraction)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    return values.at(
        std::min<qsizetype>(values.size() - 1, static_cast<qsizetype>(fraction * static_cast<double>(values.size()))));
}

struct Switch
{
    xcb_window_t window;
    qint64 issuedNs;
    qint64 seenByXNs = 0; // when the bare client saw _NET_ACTIVE_WINDOW become window
};

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Length of each phase."),
                                           QStringLiteral("N"), QStringLiteral("60"));
    const QCommandLineOption intervalOption(QStringLiteral("interval-ms"), QStringLiteral("Time between switches."),
                                            QStringLiteral("MS"), QStringLiteral("100"));
    const QCommandLineOption checkOption(QStringLiteral("check"), QStringLiteral("Exit 1 when a target is missed."));
    const QCommandLineOption screenshotsOption(QStringLiteral("screenshots"),
                                               QStringLiteral("Record with screenshots (default: --no-screenshots)."));
    parser.addOptions({secondsOption, intervalOption, checkOption, screenshotsOption});
    parser.process(application);
    const double seconds = parser.value(secondsOption).toDouble();
    const qint64 intervalNs = parser.value(intervalOption).toLongLong() * 1'000'000;
    if (seconds <= 0 || intervalNs <= 0 || qEnvironmentVariableIsEmpty("DISPLAY")) {
        std::fprintf(stderr, "bench_recorder: needs DISPLAY (run through packaging/dev.sh bench) and positive "
                             "--seconds/--interval-ms\n");
        return 2;
    }

    X11TestClient x;
    if (!x.isConnected())
        return 2;
    const xcb_atom_t activeAtom = x.atom("_NET_ACTIVE_WINDOW");
    X11TestClient::WindowSpec spec;
    spec.instance = QStringLiteral("bench-a");
    spec.appClass = QStringLiteral("BenchA");
    spec.netWmName = QStringLiteral("bench a");
    const xcb_window_t a = x.createWindow(spec);
    spec.instance = QStringLiteral("bench-b");
    spec.appClass = QStringLiteral("BenchB");
    spec.netWmName = QStringLiteral("bench b");
    const xcb_window_t b = x.createWindow(spec);
    X11TestClient::activate(a);
    const uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(x.connection(), x.root(), XCB_CW_EVENT_MASK, &mask);
    x.sync();

    QTemporaryDir directory;
    const QString database = directory.filePath(QStringLiteral("bench.db"));
    QProcess recorder;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), directory.filePath(QStringLiteral("spool")));
    environment.insert(QStringLiteral("TRAILMARK_LOG"), QStringLiteral("warn"));
    recorder.setProcessEnvironment(environment);
    QStringList recordArguments{QStringLiteral("--db"), database, QStringLiteral("record"), QStringLiteral("--task"),
                                QStringLiteral("benchmark")};
    if (!parser.isSet(screenshotsOption))
        recordArguments.append(QStringLiteral("--no-screenshots"));
    recorder.start(QStringLiteral(TRAILMARK_BINARY), recordArguments);
    if (!recorder.waitForReadyRead(10000)) {
        std::fprintf(stderr, "bench_recorder: the recorder did not start: %s\n",
                     recorder.readAllStandardError().constData());
        return 1;
    }
    const QString sessionId = QString::fromUtf8(recorder.readLine()).trimmed();
    const qint64 pid = recorder.processId();
    QString error;
    auto store = store::Store::open(database, store::Store::Access::ReadOnly, &error);
    if (!store) {
        std::fprintf(stderr, "bench_recorder: %s\n", qPrintable(error));
        return 1;
    }
    qint64 nextSeq = 0;
    // AppSwitches committed since the last call, with the time this reader saw them.
    const auto pollDatabase = [&](QList<std::pair<xcb_window_t, qint64>>& seen) {
        const qint64 at = nowNs();
        store->readEvents(
            sessionId, nextSeq, -1,
            [&](const store::StoredEvent& stored) {
                nextSeq = stored.event.seq() + 1;
                if (stored.event.has_app_switch())
                    seen.append({static_cast<xcb_window_t>(stored.event.app_switch().window_id()), at});
                return true;
            },
            &error);
    };
    QList<std::pair<xcb_window_t, qint64>> startup;
    for (int i = 0; i < 200 && startup.isEmpty(); ++i) {
        QThread::msleep(10);
        pollDatabase(startup);
    }

    // Phase 1: idle.
    QThread::msleep(500);
    const double idleStart = cpuSeconds(pid);
    QThread::msleep(static_cast<unsigned long>(seconds * 1000));
    const double idleCpu = (cpuSeconds(pid) - idleStart) / seconds * 100.0;

    // Phase 2: a switch every interval, alternating between the two windows.
    QList<Switch> switches;
    QList<std::pair<xcb_window_t, qint64>> recorded;
    const double busyStart = cpuSeconds(pid);
    const qint64 phaseStart = nowNs();
    const qint64 phaseEnd = phaseStart + static_cast<qint64>(seconds * 1e9);
    qint64 nextSwitch = phaseStart;
    xcb_window_t target = b;
    while (nowNs() < phaseEnd + 1'000'000'000) {
        const qint64 now = nowNs();
        if (now >= nextSwitch && now < phaseEnd) {
            // What a pager or xdotool sends: a _NET_ACTIVE_WINDOW request to the root.
            xcb_client_message_event_t message{};
            message.response_type = XCB_CLIENT_MESSAGE;
            message.format = 32;
            message.window = target;
            message.type = activeAtom;
            message.data.data32[0] = 2; // source: pager
            message.data.data32[1] = XCB_CURRENT_TIME;
            xcb_send_event(x.connection(), 0, x.root(),
                           XCB_EVENT_MASK_SUBSTRUCTURE_REDIRECT | XCB_EVENT_MASK_SUBSTRUCTURE_NOTIFY,
                           reinterpret_cast<const char*>(&message));
            xcb_flush(x.connection());
            switches.append({target, nowNs()});
            target = target == a ? b : a;
            nextSwitch += intervalNs;
        }
        while (xcb_generic_event_t* event = xcb_poll_for_event(x.connection())) {
            const auto* property = reinterpret_cast<const xcb_property_notify_event_t*>(event);
            if ((event->response_type & 0x7f) == XCB_PROPERTY_NOTIFY && property->atom == activeAtom &&
                !switches.isEmpty() && switches.last().seenByXNs == 0)
                switches.last().seenByXNs = nowNs();
            std::free(event);
        }
        pollDatabase(recorded);
        QThread::usleep(2000);
    }
    const double busyCpu = (cpuSeconds(pid) - busyStart) / seconds * 100.0;

    ::kill(static_cast<pid_t>(pid), SIGINT);
    recorder.waitForFinished(10000);

    // Match committed switches to requested ones in order; a requested switch with no
    // committed event for its window before the next match is missed.
    QList<double> latencies;
    QList<double> reference;
    qsizetype next = 0;
    for (const auto& [window, seenNs] : std::as_const(recorded)) {
        while (next < switches.size() && switches.at(next).window != window)
            ++next;
        if (next == switches.size())
            break;
        latencies.append(static_cast<double>(seenNs - switches.at(next).issuedNs) / 1e6);
        ++next;
    }
    for (const Switch& requested : std::as_const(switches)) {
        if (requested.seenByXNs > 0)
            reference.append(static_cast<double>(requested.seenByXNs - requested.issuedNs) / 1e6);
    }
    const qsizetype missed = switches.size() - latencies.size();
    const double median = percentile(latencies, 0.5);

    std::printf(
        "bench_recorder: %.0f s per phase, a switch every %lld ms, screenshots %s, database polled every ~2 ms\n",
        seconds, static_cast<long long>(intervalNs / 1'000'000), parser.isSet(screenshotsOption) ? "on" : "off");
    std::printf("  idle:      recorder CPU %.3f %% of one core              (target < 0.1 %%)\n", idleCpu);
    std::printf("  switching: recorder CPU %.3f %% of one core, %lld switches, %lld recorded, %lld missed (target 0)\n",
                busyCpu, static_cast<long long>(switches.size()), static_cast<long long>(latencies.size()),
                static_cast<long long>(missed));
    std::printf(
        "  latency switch -> committed AppSwitch: median %.1f ms, p95 %.1f ms, max %.1f ms (target median < 300 ms)\n",
        median, percentile(latencies, 0.95), percentile(latencies, 1.0));
    std::printf("  reference: switch -> _NET_ACTIVE_WINDOW seen by a bare xcb client: median %.1f ms, p95 %.1f ms\n",
                percentile(reference, 0.5), percentile(reference, 0.95));

    x.destroyWindow(a);
    x.destroyWindow(b);
    if (latencies.isEmpty()) {
        std::fprintf(stderr, "bench_recorder: no switch was recorded at all\n");
        return 1;
    }
    if (parser.isSet(checkOption) && (idleCpu >= 0.1 || median >= 300 || missed > 0))
        return 1;
    return 0;
}
