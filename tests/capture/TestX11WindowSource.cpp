// The X11 window source against a real X server and window manager (Xvfb + openbox,
// started by the test command): real windows, real focus changes through xdotool.
#include "TestSupport.h"
#include "X11TestClient.h"
#include "capture/Platform.h"
#include "capture/Recorder.h"
#include "capture/screenshot/ScreenshotDeclaration.h"
#include "capture/window/WindowDeclaration.h"
#include "capture/x11/X11WindowSource.h"
#include "store/Store.h"

#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace trailmark;
using namespace trailmark::test;

namespace {

// One line per event, for comparing whole sequences.
QString describe(const v1::Event& event)
{
    if (event.has_app_switch())
        return QStringLiteral("switch %1 | %2")
            .arg(QString::fromStdString(event.app_switch().app_class()),
                 QString::fromStdString(event.app_switch().title()));
    if (event.has_title_change())
        return QStringLiteral("title %1").arg(QString::fromStdString(event.title_change().title()));
    return QStringLiteral("other %1").arg(event.body_case());
}

QList<v1::Event> eventsOf(capture::Recorder& recorder)
{
    QList<v1::Event> events;
    QString error;
    recorder.store()->readEvents(
        recorder.sessionId(), 0, -1,
        [&](const store::StoredEvent& stored) {
            events.append(stored.event);
            return true;
        },
        &error);
    return events;
}

QStringList describeAll(const QList<v1::Event>& events)
{
    QStringList lines;
    for (const auto& event : events)
        lines.append(describe(event));
    return lines;
}

} // namespace

class TestX11WindowSource final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TempDatabase> m_database;
    std::unique_ptr<X11TestClient> m_x;

    std::unique_ptr<capture::Recorder> startRecorder()
    {
        capture::RecorderOptions options;
        options.databasePath = m_database->path();
        options.task = QStringLiteral("x11 test");
        options.screenshots = false;
        options.controlSocket = false;
        auto recorder = std::make_unique<capture::Recorder>(options);
        recorder->addSource(std::make_unique<capture::X11WindowSource>());
        QString error;
        if (!recorder->start(&error))
            qWarning("recorder did not start: %s", qPrintable(error));
        return recorder;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"),
                 "needs an X server with a window manager: run through packaging/dev.sh test");
        m_x = std::make_unique<X11TestClient>();
        QVERIFY(m_x->isConnected());
    }

    void init() { m_database = std::make_unique<TempDatabase>(); }

    void recordsSwitchesAndTitlesInOrder()
    {
        X11TestClient::WindowSpec alpha;
        alpha.instance = QStringLiteral("tm-alpha");
        alpha.appClass = QStringLiteral("AlphaApp");
        alpha.netWmName = QStringLiteral("Alpha ☃ ünïcode");
        alpha.wmName = "alpha-legacy";
        X11TestClient::WindowSpec beta;
        beta.instance = QStringLiteral("tm-beta");
        beta.appClass = QStringLiteral("BetaApp");
        beta.wmName = "caf\xe9 beta"; // STRING is Latin-1
        X11TestClient::WindowSpec gamma;
        gamma.instance = QStringLiteral("tm-gamma");
        gamma.appClass = QStringLiteral("GammaApp");
        gamma.wmName = "gamma \x1b%G\xe2\x9c\x93\x1b%@ done"; // COMPOUND_TEXT with a UTF-8 segment
        gamma.wmNameType = "COMPOUND_TEXT";
        const xcb_window_t a = m_x->createWindow(alpha);
        const xcb_window_t b = m_x->createWindow(beta);
        const xcb_window_t c = m_x->createWindow(gamma);
        QVERIFY(X11TestClient::activate(a));

        auto recorder = startRecorder();
        QVERIFY(recorder->isRecording());
        QCOMPARE(recorder->runningSources(), QStringList{QStringLiteral("x11-windows")});
        QTRY_COMPARE(eventsOf(*recorder).size(), 1);

        QVERIFY(X11TestClient::activate(b));
        QVERIFY(X11TestClient::activate(b)); // duplicate: no event
        QVERIFY(X11TestClient::activate(c));
        QVERIFY(X11TestClient::activate(a));
        // X11 keeps no history: a title changed before the recorder has read the switch
        // would arrive as the switch's title. Let it see the switch first.
        QTRY_COMPARE(eventsOf(*recorder).size(), 4);
        m_x->setNetWmName(a, QStringLiteral("Alpha two"));
        m_x->setWmName(a, "alpha two legacy");             // _NET_WM_NAME wins: no event
        m_x->setNetWmName(a, QStringLiteral("Alpha two")); // same value: no event
        QVERIFY(X11TestClient::activate(b));

        const QStringList expected{
            QStringLiteral("switch AlphaApp | Alpha ☃ ünïcode"),
            QStringLiteral("switch BetaApp | café beta"),
            QStringLiteral("switch GammaApp | gamma ✓ done"),
            QStringLiteral("switch AlphaApp | Alpha ☃ ünïcode"),
            QStringLiteral("title Alpha two"),
            QStringLiteral("switch BetaApp | café beta"),
        };
        QTRY_COMPARE(describeAll(eventsOf(*recorder)), expected);

        QTest::qWait(300); // nothing late may follow
        const QList<v1::Event> events = eventsOf(*recorder);
        QCOMPARE(describeAll(events), expected);

        const QList<xcb_window_t> windows{a, b, c, a, a, b};
        const QString self = QFileInfo(QCoreApplication::applicationFilePath()).canonicalFilePath();
        for (qsizetype i = 0; i < events.size(); ++i) {
            QCOMPARE(events.at(i).seq(), i);
            if (events.at(i).has_app_switch()) {
                const auto& body = events.at(i).app_switch();
                QCOMPARE(body.window_id(), windows.at(i));
                // None of these windows has _NET_WM_PID: the pid comes from X-Resource.
                QCOMPARE(body.pid(), QCoreApplication::applicationPid());
                QCOMPARE(QString::fromStdString(body.exe()), self);
                QVERIFY(!body.excluded());
            } else {
                QCOMPARE(events.at(i).title_change().window_id(), windows.at(i));
            }
        }
        QCOMPARE(events.at(1).app_switch().app_instance(), "tm-beta");

        QString error;
        QVERIFY2(recorder->stop(&error), qPrintable(error));
        auto store = m_database->open();
        const auto session = store->session(QString::fromStdString(recorder->session().id()), &error);
        QVERIFY(session);
        QCOMPARE(session->state(), v1::Session::STATE_FINISHED);
        QVERIFY(session->ended_ns() >= events.last().time_ns());
        QCOMPARE(session->platform(), "linux-x11");
        QCOMPARE(session->task(), "x11 test");
        QVERIFY(!session->expert().empty());

        for (const xcb_window_t window : {a, b, c})
            m_x->destroyWindow(window);
    }

    void xtermWithOnlyWmName()
    {
        QProcess xterm;
        xterm.start(QStringLiteral("xterm"), {QStringLiteral("-T"), QStringLiteral("only wm name")});
        QVERIFY(xterm.waitForStarted());
        QVERIFY(
            X11TestClient::runTool(QStringLiteral("xdotool"),
                                   {QStringLiteral("search"), QStringLiteral("--sync"), QStringLiteral("--onlyvisible"),
                                    QStringLiteral("--name"), QStringLiteral("^only wm name$")}));
        X11TestClient::WindowSpec other;
        other.instance = QStringLiteral("tm-other");
        other.appClass = QStringLiteral("OtherApp");
        other.netWmName = QStringLiteral("other");
        const xcb_window_t o = m_x->createWindow(other);
        QVERIFY(X11TestClient::activate(o));

        auto recorder = startRecorder();
        QTRY_COMPARE(eventsOf(*recorder).size(), 1);
        QVERIFY(X11TestClient::runTool(QStringLiteral("xdotool"),
                                       {QStringLiteral("search"), QStringLiteral("--name"),
                                        QStringLiteral("^only wm name$"), QStringLiteral("windowactivate"),
                                        QStringLiteral("--sync")}));
        QTRY_COMPARE(eventsOf(*recorder).size(), 2);
        const v1::Event event = eventsOf(*recorder).at(1);
        QCOMPARE(describe(event), QStringLiteral("switch XTerm | only wm name"));
        QCOMPARE(event.app_switch().app_instance(), "xterm");
        // xterm sets _NET_WM_PID itself.
        QCOMPARE(event.app_switch().pid(), xterm.processId());
        QCOMPARE(QString::fromStdString(event.app_switch().exe()),
                 QFileInfo(QStringLiteral("/usr/bin/xterm")).canonicalFilePath());

        QVERIFY(
            X11TestClient::runTool(QStringLiteral("xdotool"),
                                   {QStringLiteral("set_window"), QStringLiteral("--name"),
                                    QStringLiteral("renamed xterm"), QString::number(event.app_switch().window_id())}));
        QTRY_COMPARE(describeAll(eventsOf(*recorder)).mid(2), QStringList{QStringLiteral("title renamed xterm")});

        xterm.terminate();
        QVERIFY(xterm.waitForFinished());
        m_x->destroyWindow(o);
    }

    void ignoresNoneAndVanishedWindows()
    {
        X11TestClient::WindowSpec one;
        one.instance = QStringLiteral("tm-one");
        one.appClass = QStringLiteral("OneApp");
        one.netWmName = QStringLiteral("one");
        X11TestClient::WindowSpec two = one;
        two.instance = QStringLiteral("tm-two");
        two.appClass = QStringLiteral("TwoApp");
        two.netWmName = QStringLiteral("two");
        const xcb_window_t w1 = m_x->createWindow(one);
        const xcb_window_t w2 = m_x->createWindow(two);
        QVERIFY(X11TestClient::activate(w1));

        auto recorder = startRecorder();
        QTRY_COMPARE(eventsOf(*recorder).size(), 1);
        // The transient None between two windows, then the same window again.
        m_x->setActiveWindowProperty(XCB_WINDOW_NONE);
        m_x->setActiveWindowProperty(w1);
        // A window that is gone before the source reads it.
        const xcb_window_t gone = xcb_generate_id(m_x->connection());
        m_x->setActiveWindowProperty(gone);
        QVERIFY(X11TestClient::activate(w2));
        QTRY_COMPARE(describeAll(eventsOf(*recorder)),
                     (QStringList{QStringLiteral("switch OneApp | one"), QStringLiteral("switch TwoApp | two")}));
        // A window destroyed while active: whatever comes next, never a zero window.
        m_x->destroyWindow(w2);
        QVERIFY(X11TestClient::activate(w1));
        QTest::qWait(300);
        for (const auto& event : eventsOf(*recorder)) {
            QVERIFY(event.app_switch().window_id() != 0);
            QVERIFY(event.app_switch().window_id() != gone);
        }
        QCOMPARE(eventsOf(*recorder).constLast().app_switch().window_id(), w1);
        m_x->destroyWindow(w1);
    }

    void warnsWithoutWindowManager()
    {
        // A second X server with no window manager on it; it picks a free display
        // number itself and writes it to its stdout (-displayfd 1).
        QProcess xvfb;
        xvfb.start(QStringLiteral("Xvfb"),
                   {QStringLiteral("-displayfd"), QStringLiteral("1"), QStringLiteral("-nolisten"),
                    QStringLiteral("tcp"), QStringLiteral("-screen"), QStringLiteral("0"),
                    QStringLiteral("640x480x24")});
        QVERIFY(xvfb.waitForStarted());
        QTRY_VERIFY(xvfb.canReadLine());
        bool isNumber = false;
        const int displayNumber = xvfb.readLine().trimmed().toInt(&isNumber);
        QVERIFY(isNumber);
        const QByteArray savedDisplay = qgetenv("DISPLAY");
        qputenv("DISPLAY", QStringLiteral(":%1").arg(displayNumber).toLatin1());

        capture::RecorderOptions options;
        options.databasePath = m_database->path();
        options.screenshots = false;
        options.controlSocket = false;
        capture::Recorder recorder(options);
        recorder.addSource(std::make_unique<capture::X11WindowSource>());
        QSignalSpy warnings(&recorder, &capture::Recorder::warning);
        QString error;
        const bool started = recorder.start(&error);
        qputenv("DISPLAY", savedDisplay);
        QVERIFY2(started, qPrintable(error));
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings.at(0).at(0).toString().contains(
                     QStringLiteral("no window manager is running on DISPLAY=:%1").arg(displayNumber)),
                 qPrintable(warnings.at(0).at(0).toString()));
        QCOMPARE(eventsOf(recorder).size(), 0);

        // A window manager that starts later is noticed, and switches are recorded.
        qputenv("DISPLAY", QStringLiteral(":%1").arg(displayNumber).toLatin1());
        QProcess openbox;
        openbox.start(QStringLiteral("openbox"), {QStringLiteral("--sm-disable")});
        QVERIFY(openbox.waitForStarted());
        QTRY_VERIFY(X11TestClient::runTool(
            QStringLiteral("sh"),
            {QStringLiteral("-c"), QStringLiteral("xprop -root _NET_SUPPORTING_WM_CHECK | grep -q 'window id'")}));
        {
            X11TestClient late;
            X11TestClient::WindowSpec spec;
            spec.instance = QStringLiteral("tm-late");
            spec.appClass = QStringLiteral("LateApp");
            spec.netWmName = QStringLiteral("after the window manager");
            const xcb_window_t window = late.createWindow(spec);
            QVERIFY(X11TestClient::activate(window));
            QTRY_COMPARE(describeAll(eventsOf(recorder)),
                         QStringList{QStringLiteral("switch LateApp | after the window manager")});
        }
        qputenv("DISPLAY", savedDisplay);
        openbox.terminate();
        QVERIFY(openbox.waitForFinished());

        // The X server goes away under the recorder: a warning and a gap marker, no crash.
        ::kill(static_cast<pid_t>(xvfb.processId()), SIGTERM);
        QVERIFY(xvfb.waitForFinished());
        QTRY_COMPARE(warnings.size(), 2);
        QVERIFY2(warnings.at(1).at(0).toString().contains(QStringLiteral("lost the connection to the X server")),
                 qPrintable(warnings.at(1).at(0).toString()));
        const QList<v1::Event> events = eventsOf(recorder);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).marker().kind(), v1::Marker::KIND_GAP);
        QVERIFY(recorder.stop(&error));
    }

    void explainsWhatIsNotSupported()
    {
        const QByteArray savedDisplay = qgetenv("DISPLAY");
        qunsetenv("DISPLAY");
        capture::X11WindowSource source;
        const capture::SourceSupport support = source.supportHere();
        qputenv("DISPLAY", savedDisplay);
        QVERIFY(!support.supported);
        QVERIFY2(support.reason.contains(QStringLiteral("DISPLAY is not set")), qPrintable(support.reason));

        qputenv("WAYLAND_DISPLAY", "wayland-0");
        QCOMPARE(capture::currentPlatform(), QStringLiteral("linux-wayland"));
        auto wayland = capture::createWindowSource();
        QString error;
        QVERIFY(!wayland->supportHere().supported);
        QVERIFY(wayland->supportHere().reason.contains(QStringLiteral("Wayland")));
        QVERIFY(wayland->supportHere().reason.contains(QStringLiteral("not supported yet")));
        // The recorder reports the reason and records on without it.
        capture::RecorderOptions options;
        options.databasePath = m_database->path();
        options.controlSocket = false;
        capture::Recorder recorder(options);
        recorder.addSource(std::move(wayland));
        QSignalSpy warnings(&recorder, &capture::Recorder::warning);
        QVERIFY2(recorder.start(&error), qPrintable(error));
        QCOMPARE(warnings.size(), 1);
        QCOMPARE(warnings.at(0).at(0).toString(),
                 QStringLiteral("wayland-toplevels is not recorded: window activity on Wayland needs a "
                                "compositor-specific protocol (KWin script, wlr-foreign-toplevel); not supported yet"));
        QVERIFY(recorder.runningSources().isEmpty());
        QCOMPARE(recorder.session().platform(), "linux-wayland");
        QVERIFY(recorder.stop(&error));
        QString grabberError;
        QVERIFY(!capture::createScreenGrabber(&grabberError));
        QVERIFY(grabberError.contains(QStringLiteral("not supported yet")));
        qunsetenv("WAYLAND_DISPLAY");
        QCOMPARE(capture::currentPlatform(), QStringLiteral("linux-x11"));
    }
};

QTEST_GUILESS_MAIN(TestX11WindowSource)
#include "TestX11WindowSource.moc"
