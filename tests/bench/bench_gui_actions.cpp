// What recording GUI actions costs, under a real X server, window manager and AT-SPI
// registry, with `trailmark record --gui-actions` in its own process and the real Qt
// test form driven by xdotool:
//   - recorder CPU while idle, and while the expert types 10 keys a second and clicks
//     twice a second;
//   - action-to-stored latency: from a hotkey (Ctrl+S, no double-click wait) and from a
//     click (which waits out the double-click time) to the action being committed,
//     visible to another reader of the database;
//   - bytes on disk per action and per hour of that scripted session, with keyframes
//     and without.
// References measured in the same run: the wall time of the xdotool call itself (the
// floor any latency has here), and the size of one PNG of the same screen written by
// ImageMagick's `import` (what a recorder that kept a plain screenshot per action would
// store).
//
//     bench_gui_actions [--seconds N]      (default 20; the ctest smoke run uses 3)
#include "BenchClock.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <unistd.h>

using namespace trailmark;
using trailmark::bench::cpuSeconds;
using trailmark::bench::nowNs;

namespace {

double median(QList<double> values)
{
    if (values.isEmpty())
        return -1;
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

bool xdotool(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral("xdotool"), arguments);
    return process.waitForFinished(20000) && process.exitCode() == 0;
}

qint64 fileSize(const QString& path)
{
    return QFileInfo(path).exists() ? QFileInfo(path).size() : 0;
}

struct Figures
{
    double idleCpu = 0;
    double busyCpu = 0;
    double hotkeyLatencyMs = 0;
    double clickLatencyMs = 0;
    double xdotoolMs = 0;
    qint64 actions = 0;
    qint64 bytes = 0;
    double busySeconds = 0;
    int cycles = 0;
    qint64 referencePng = 0;
};

// The screen as it is now, as ImageMagick writes a PNG of it.
qint64 referencePngBytes(const QString& directory)
{
    const QString path = directory + QStringLiteral("/screen.png");
    QProcess import;
    import.start(QStringLiteral("import"), {QStringLiteral("-window"), QStringLiteral("root"), path});
    import.waitForFinished(20000);
    return fileSize(path);
}

class Run
{
public:
    explicit Run(const QString& directory)
        : m_database(directory + QStringLiteral("/bench.db"))
        , m_directory(directory)
    {}

    bool measure(bool keyframes, double seconds, Figures* figures)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_directory + QStringLiteral("/spool"));
        env.insert(QStringLiteral("TRAILMARK_LOG"), QStringLiteral("warn"));
        QProcess recorder;
        recorder.setProcessEnvironment(env);
        QStringList arguments{QStringLiteral("--db"),      m_database,
                              QStringLiteral("record"),    QStringLiteral("--task"),
                              QStringLiteral("bench"),     QStringLiteral("--gui-actions"),
                              QStringLiteral("--no-edits")};
        if (!keyframes)
            arguments << QStringLiteral("--no-screenshots");
        recorder.start(QStringLiteral(TRAILMARK_BINARY), arguments);
        if (!recorder.waitForReadyRead(15000)) {
            std::fprintf(stderr, "bench_gui_actions: the recorder did not start: %s\n",
                         recorder.readAllStandardError().constData());
            return false;
        }
        m_sessionId = QString::fromUtf8(recorder.readLine()).trimmed();
        QThread::msleep(1000);
        QProcess form;
        form.start(QStringLiteral(TRAILMARK_QT_FORM), QStringList{});
        if (!form.waitForReadyRead(15000))
            return false;
        const QJsonObject ready = QJsonDocument::fromJson(form.readLine()).object();
        const QJsonArray name = ready.value(QStringLiteral("name")).toArray();
        const QString x = QString::number(name.at(0).toInt());
        const QString y = QString::number(name.at(1).toInt());
        QThread::msleep(1500);
        const qint64 pid = recorder.processId();

        // Idle: nothing happens on the screen.
        double start = cpuSeconds(pid);
        QThread::msleep(static_cast<unsigned long>(seconds * 1000));
        figures->idleCpu = (cpuSeconds(pid) - start) / seconds * 100.0;

        // Busy: a click, then five keys, every half second: 10 keys and 2 clicks a second.
        const qint64 actionsBefore = count();
        start = cpuSeconds(pid);
        const qint64 busyStart = nowNs();
        while (nowNs() - busyStart < static_cast<qint64>(seconds * 1e9)) {
            xdotool({QStringLiteral("mousemove"), x, y, QStringLiteral("click"), QStringLiteral("1"),
                     QStringLiteral("type"), QStringLiteral("--delay"), QStringLiteral("60"), QStringLiteral("abcde")});
            ++figures->cycles;
            const qint64 next = busyStart + figures->cycles * 500'000'000LL;
            if (next > nowNs())
                QThread::usleep(static_cast<unsigned long>((next - nowNs()) / 1000));
        }
        figures->busySeconds = static_cast<double>(nowNs() - busyStart) / 1e9;
        figures->referencePng = referencePngBytes(m_directory);
        figures->busyCpu = (cpuSeconds(pid) - start) / figures->busySeconds * 100.0;
        QThread::msleep(2500); // the last typing run ends after its pause
        figures->actions = count() - actionsBefore;

        // Latency: one action at a time, polled from another connection.
        QList<double> hotkeys;
        QList<double> clicks;
        QList<double> xdotoolTimes;
        for (int i = 0; i < 10; ++i) {
            for (const bool hotkey : {true, false}) {
                const qint64 before = count();
                const qint64 sent = nowNs();
                if (hotkey)
                    xdotool({QStringLiteral("key"), QStringLiteral("ctrl+s")});
                else
                    xdotool({QStringLiteral("click"), QStringLiteral("1")});
                xdotoolTimes << static_cast<double>(nowNs() - sent) / 1e6;
                while (count() == before && nowNs() - sent < 5'000'000'000)
                    QThread::msleep(2);
                (hotkey ? hotkeys : clicks) << static_cast<double>(nowNs() - sent) / 1e6;
                QThread::msleep(600);
            }
        }
        figures->hotkeyLatencyMs = median(hotkeys);
        figures->clickLatencyMs = median(clicks);
        figures->xdotoolMs = median(xdotoolTimes);

        form.terminate();
        form.waitForFinished(5000);
        ::kill(static_cast<pid_t>(pid), SIGINT);
        recorder.waitForFinished(20000);
        figures->bytes = fileSize(m_database) + fileSize(m_database + QStringLiteral("-wal"));
        return true;
    }

private:
    qint64 count()
    {
        QString error;
        auto store = store::Store::open(m_database, store::Store::Access::ReadOnly, &error);
        if (!store)
            return 0;
        qint64 actions = 0;
        store->readEvents(
            m_sessionId, 0, -1,
            [&](const store::StoredEvent& stored) {
                actions += stored.event.has_gui_action() ? 1 : 0;
                return true;
            },
            &error);
        return actions;
    }

    QString m_database;
    QString m_directory;
    QString m_sessionId;
};

} // namespace

int main(int argc, char** argv)
{
    // AT-SPI needs a D-Bus session; run inside one of our own when there is none.
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS") && !qEnvironmentVariableIsSet("BENCH_IN_DBUS")) {
        ::setenv("BENCH_IN_DBUS", "1", 1);
        std::vector<char*> args{const_cast<char*>("dbus-run-session"), const_cast<char*>("--")};
        for (int i = 0; i < argc; ++i)
            args.push_back(argv[i]);
        args.push_back(nullptr);
        ::execvp("dbus-run-session", args.data());
        std::perror("bench_gui_actions: dbus-run-session");
        return 1;
    }
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    const QCommandLineOption secondsOption(QStringLiteral("seconds"), QStringLiteral("Length of each phase."),
                                           QStringLiteral("N"), QStringLiteral("20"));
    parser.addOption(secondsOption);
    parser.process(app);
    const double seconds = parser.value(secondsOption).toDouble();
    if (qEnvironmentVariableIsEmpty("DISPLAY")) {
        std::fprintf(stderr, "bench_gui_actions: needs an X server (packaging/dev.sh bench)\n");
        return 1;
    }
    QTemporaryDir directory;
    // Turning accessibility on is remembered in dconf: keep it out of the user's.
    ::setenv("XDG_CONFIG_HOME", qPrintable(directory.path() + QStringLiteral("/config")), 1);

    Figures with;
    Figures without;
    {
        QTemporaryDir runDirectory(directory.path() + QStringLiteral("/keyframes-XXXXXX"));
        if (!Run(runDirectory.path()).measure(true, seconds, &with))
            return 1;
    }
    {
        QTemporaryDir runDirectory(directory.path() + QStringLiteral("/plain-XXXXXX"));
        if (!Run(runDirectory.path()).measure(false, seconds, &without))
            return 1;
    }
    const qint64 png = with.referencePng;

    std::printf("GUI actions (%.0f s phases; while busy %.1f keys and %.1f clicks a second)\n", seconds,
                5 * with.cycles / with.busySeconds, with.cycles / with.busySeconds);
    std::printf("%-34s %14s %14s\n", "", "keyframes", "no keyframes");
    std::printf("%-34s %13.2f%% %13.2f%%\n", "recorder CPU, idle", with.idleCpu, without.idleCpu);
    std::printf("%-34s %13.2f%% %13.2f%%\n", "recorder CPU, typing and clicking", with.busyCpu, without.busyCpu);
    std::printf("%-34s %14lld %14lld\n", "actions recorded while busy", static_cast<long long>(with.actions),
                static_cast<long long>(without.actions));
    std::printf("%-34s %11.0f ms %11.0f ms\n", "hotkey to stored (median)", with.hotkeyLatencyMs,
                without.hotkeyLatencyMs);
    std::printf("%-34s %11.0f ms %11.0f ms\n", "click to stored (median)", with.clickLatencyMs, without.clickLatencyMs);
    std::printf("%-34s %11.0f ms %11.0f ms\n", "  reference: the xdotool call", with.xdotoolMs, without.xdotoolMs);
    const auto perAction = [](const Figures& f) {
        return f.actions > 0 ? f.bytes / (f.actions + 20) : 0;
    };
    std::printf("%-34s %11lld B  %11lld B\n", "bytes on disk per action", static_cast<long long>(perAction(with)),
                static_cast<long long>(perAction(without)));
    // An hour at the busy phase's pace.
    const auto perHour = [&](const Figures& f) {
        return static_cast<double>(perAction(f)) * static_cast<double>(f.actions) / f.busySeconds * 3600 / 1e6;
    };
    std::printf("%-34s %11.1f MB %11.1f MB\n", "per hour of this session", perHour(with), perHour(without));
    std::printf("%-34s %11lld B  (%.2fx the stored bytes per keyframed action)\n", "  reference: one PNG by `import`",
                static_cast<long long>(png),
                perAction(with) > 0 ? static_cast<double>(png) / static_cast<double>(perAction(with)) : 0.0);
    return with.actions > 0 && without.actions > 0 ? 0 : 1;
}
