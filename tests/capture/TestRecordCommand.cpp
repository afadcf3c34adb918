// `trailmark record` and `trailmark note` as a user runs them: the real binary in its
// own process, real X windows, switches through the window manager, signals.
#include "TestSupport.h"
#include "X11TestClient.h"
#include "capture/RecorderControl.h"
#include "store/Store.h"
#include "store/Verifier.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace trailmark;
using namespace trailmark::test;

namespace {

struct CliResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

QString describe(const v1::Event& event)
{
    switch (event.body_case()) {
    case v1::Event::kAppSwitch:
        return QStringLiteral("switch %1 | %2%3")
            .arg(QString::fromStdString(event.app_switch().app_class()),
                 QString::fromStdString(event.app_switch().title()),
                 event.app_switch().excluded() ? QStringLiteral(" (excluded)") : QString());
    case v1::Event::kTitleChange:
        return QStringLiteral("title %1%2")
            .arg(QString::fromStdString(event.title_change().title()),
                 event.title_change().excluded() ? QStringLiteral(" (excluded)") : QString());
    case v1::Event::kNote:
        return QStringLiteral("note %1").arg(QString::fromStdString(event.note().text()));
    case v1::Event::kScreenshot:
        return QStringLiteral("screenshot %1x%2").arg(event.screenshot().width()).arg(event.screenshot().height());
    default:
        return QStringLiteral("other %1").arg(event.body_case());
    }
}

} // namespace

class TestRecordCommand final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TempDatabase> m_database;
    std::unique_ptr<X11TestClient> m_x;
    QList<xcb_window_t> m_windows;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_database->directory() + QStringLiteral("/spool"));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_database->directory() + QStringLiteral("/config"));
        return env;
    }

    CliResult run(const QStringList& arguments)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(TRAILMARK_BINARY),
                      QStringList{QStringLiteral("--db"), m_database->path()} + arguments);
        CliResult result;
        if (!process.waitForFinished(30000))
            return result;
        result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
        result.out = QString::fromUtf8(process.readAllStandardOutput());
        result.err = QString::fromUtf8(process.readAllStandardError());
        return result;
    }

    // Starts `trailmark record` and returns the session id it prints ("" on failure).
    QString startRecording(QProcess& recorder, const QStringList& extra = {})
    {
        recorder.setProcessEnvironment(environment());
        recorder.start(QStringLiteral(TRAILMARK_BINARY),
                       QStringList{QStringLiteral("--db"), m_database->path(), QStringLiteral("record"),
                                   QStringLiteral("--task"), QStringLiteral("record test")} +
                           extra);
        if (!recorder.waitForStarted())
            return {};
        for (int i = 0; i < 100 && !recorder.canReadLine() && recorder.state() == QProcess::Running; ++i)
            QTest::qWait(50);
        return QString::fromUtf8(recorder.readLine()).trimmed();
    }

    // The committed events of a session, as another process reading the file sees them.
    QList<v1::Event> committedEvents(const QString& sessionId)
    {
        QList<v1::Event> events;
        QString error;
        auto store = store::Store::open(m_database->path(), store::Store::Access::ReadOnly, &error);
        if (!store)
            return events;
        store->readEvents(
            sessionId, 0, -1,
            [&](const store::StoredEvent& stored) {
                events.append(stored.event);
                return true;
            },
            &error);
        return events;
    }
    QStringList committed(const QString& sessionId)
    {
        QStringList lines;
        for (const auto& event : committedEvents(sessionId))
            lines.append(describe(event));
        return lines;
    }
    std::optional<v1::Session> session(const QString& id)
    {
        QString error;
        auto store = store::Store::open(m_database->path(), store::Store::Access::ReadOnly, &error);
        return store ? store->session(id, &error) : std::nullopt;
    }

    static bool signalAndWait(QProcess& process, int signal)
    {
        ::kill(static_cast<pid_t>(process.processId()), signal);
        return process.waitForFinished(10000);
    }

    xcb_window_t window(const QString& name, const QString& appClass, quint32 colour = 0x336699)
    {
        X11TestClient::WindowSpec spec;
        spec.instance = name;
        spec.appClass = appClass;
        spec.netWmName = name;
        spec.background = colour;
        const xcb_window_t id = m_x->createWindow(spec);
        m_windows.append(id);
        return id;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"),
                 "needs an X server with a window manager: run through packaging/dev.sh test");
        m_x = std::make_unique<X11TestClient>();
        QVERIFY(m_x->isConnected());
    }

    void init()
    {
        m_database = std::make_unique<TempDatabase>();
        qputenv("TRAILMARK_SPOOL_DIR", (m_database->directory() + QStringLiteral("/spool")).toUtf8());
    }

    void cleanup()
    {
        for (const xcb_window_t id : std::as_const(m_windows))
            m_x->destroyWindow(id);
        m_windows.clear();
    }

    void recordsSwitchSequenceUntilInterrupted()
    {
        const xcb_window_t a = window(QStringLiteral("rec-first"), QStringLiteral("FirstApp"));
        const xcb_window_t b = window(QStringLiteral("rec-second"), QStringLiteral("SecondApp"));
        QVERIFY(X11TestClient::activate(a));

        QProcess recorder;
        const QString id = startRecording(recorder, {QStringLiteral("--no-screenshots")});
        QVERIFY2(!id.isEmpty(), recorder.readAllStandardError().constData());
        // Committed within the batch age, visible to another process.
        QTRY_COMPARE(committed(id), QStringList{QStringLiteral("switch FirstApp | rec-first")});
        QVERIFY(X11TestClient::activate(b));
        QVERIFY(X11TestClient::activate(a));
        // X11 keeps no history: rename only once the recorder has stored the switch, or
        // the new name would arrive as the switch's title.
        QTRY_COMPARE(committed(id).size(), 3);
        QVERIFY(
            X11TestClient::runTool(QStringLiteral("xdotool"), {QStringLiteral("set_window"), QStringLiteral("--name"),
                                                               QStringLiteral("first, renamed"), QString::number(a)}));
        QVERIFY(X11TestClient::activate(b));
        const QStringList expected{
            QStringLiteral("switch FirstApp | rec-first"),   QStringLiteral("switch SecondApp | rec-second"),
            QStringLiteral("switch FirstApp | rec-first"),   QStringLiteral("title first, renamed"),
            QStringLiteral("switch SecondApp | rec-second"),
        };
        QTRY_COMPARE(committed(id), expected);

        QVERIFY(signalAndWait(recorder, SIGINT));
        QCOMPARE(recorder.exitStatus(), QProcess::NormalExit);
        QCOMPARE(recorder.exitCode(), 0);
        QVERIFY(QString::fromUtf8(recorder.readAllStandardError()).contains(QStringLiteral("finished with 5 events")));
        QCOMPARE(committed(id), expected);
        const auto closed = session(id);
        QVERIFY(closed);
        QCOMPARE(closed->state(), v1::Session::STATE_FINISHED);
        QVERIFY(closed->ended_ns() >= committedEvents(id).constLast().time_ns());
        QCOMPARE(closed->task(), "record test");
        QCOMPARE(closed->screenshots_enabled(), false);

        // `trailmark show` prints the switches in order, as app steps with their titles.
        const CliResult show = run({QStringLiteral("show"), id});
        QCOMPARE(show.exitCode, 0);
        qsizetype from = 0;
        for (const QString& part :
             {QStringLiteral("switch to FirstApp — rec-first"), QStringLiteral("switch to SecondApp — rec-second"),
              QStringLiteral("switch to FirstApp — rec-first"), QStringLiteral("titles: first, renamed"),
              QStringLiteral("switch to SecondApp — rec-second")}) {
            const qsizetype at = show.out.indexOf(part, from);
            QVERIFY2(at >= 0, qPrintable(QStringLiteral("'%1' not in order in:\n%2").arg(part, show.out)));
            from = at + part.size();
        }
        QCOMPARE(run({QStringLiteral("verify")}).exitCode, 0);
    }

    void oneRecorderPerDatabaseAndNotesReachIt()
    {
        QProcess recorder;
        const QString id = startRecording(recorder, {QStringLiteral("--no-screenshots")});
        QVERIFY(!id.isEmpty());

        const CliResult second = run({QStringLiteral("record")});
        QCOMPARE(second.exitCode, 1);
        QVERIFY2(second.err.contains(QStringLiteral("another recorder (pid %1) is already recording into %2")
                                         .arg(recorder.processId())
                                         .arg(m_database->path())),
                 qPrintable(second.err));

        // The control socket is the user's alone.
        const QString socket = capture::RecorderControlServer::socketPath(m_database->path());
        QVERIFY(QFile::exists(socket));
        QCOMPARE(modeOf(QFileInfo(socket).absolutePath()), 0700);
        QCOMPARE(modeOf(socket) & 0077, 0);
        QCOMPARE(modeOf(m_database->path() + QStringLiteral(".lock")), 0600);

        const CliResult note = run({QStringLiteral("note"), QStringLiteral("--kind"), QStringLiteral("plan"),
                                    QStringLiteral("check the logs first")});
        QCOMPARE(note.exitCode, 0);
        QCOMPARE(note.out.trimmed(), QStringLiteral("note added to session %1").arg(id));
        const CliResult badKind =
            run({QStringLiteral("note"), QStringLiteral("--kind"), QStringLiteral("rant"), QStringLiteral("x")});
        QCOMPARE(badKind.exitCode, 2);

        // Whatever arrives on the socket gets an answer, never a crash.
        QLocalSocket raw;
        raw.connectToServer(socket);
        QVERIFY(raw.waitForConnected(5000));
        for (const auto& [request, answer] : {std::pair{QByteArray("not json\n"), QStringLiteral("malformed request")},
                                              std::pair{QByteArray("{\"request\": \"format-disk\"}\n"),
                                                        QStringLiteral("unknown request 'format-disk'")},
                                              std::pair{QByteArray("{\"request\": \"note\", \"text\": \"\"}\n"),
                                                        QStringLiteral("the note is empty")}}) {
            raw.write(request);
            QTRY_VERIFY(raw.canReadLine());
            const QJsonObject reply = QJsonDocument::fromJson(raw.readLine()).object();
            QCOMPARE(reply.value(QStringLiteral("ok")).toBool(true), false);
            QVERIFY2(reply.value(QStringLiteral("error")).toString().contains(answer),
                     qPrintable(reply.value(QStringLiteral("error")).toString()));
        }
        raw.disconnectFromServer();

        QVERIFY(signalAndWait(recorder, SIGTERM));
        QCOMPARE(recorder.exitCode(), 0);
        const QList<v1::Event> events = committedEvents(id);
        QVERIFY(!events.isEmpty());
        const v1::Event& last = events.constLast();
        QVERIFY(last.has_note());
        QCOMPARE(last.note().text(), "check the logs first");
        QCOMPARE(last.note().kind(), v1::Note::KIND_PLAN);
        QCOMPARE(last.note().origin(), "cli");
        QCOMPARE(session(id)->state(), v1::Session::STATE_FINISHED);
        QVERIFY(!QFile::exists(socket));

        const CliResult none = run({QStringLiteral("note"), QStringLiteral("too late")});
        QCOMPARE(none.exitCode, 1);
        QVERIFY2(none.err.contains(QStringLiteral("no recorder is running for %1").arg(m_database->path())),
                 qPrintable(none.err));
    }

    void killedRecorderLeavesVerifiableDatabase()
    {
        const xcb_window_t a = window(QStringLiteral("kill-first"), QStringLiteral("KillFirst"));
        const xcb_window_t b = window(QStringLiteral("kill-second"), QStringLiteral("KillSecond"));
        QVERIFY(X11TestClient::activate(a));
        QProcess recorder;
        const QString id = startRecording(recorder, {QStringLiteral("--no-screenshots")});
        QVERIFY(!id.isEmpty());
        QVERIFY(X11TestClient::activate(b));
        QVERIFY(X11TestClient::activate(a));
        const QStringList expected{QStringLiteral("switch KillFirst | kill-first"),
                                   QStringLiteral("switch KillSecond | kill-second"),
                                   QStringLiteral("switch KillFirst | kill-first")};
        QTRY_COMPARE(committed(id), expected);

        QVERIFY(signalAndWait(recorder, SIGKILL));
        QCOMPARE(recorder.exitStatus(), QProcess::CrashExit);

        const CliResult verify = run({QStringLiteral("verify")});
        QVERIFY2(verify.exitCode == 0, qPrintable(verify.out + verify.err));
        QCOMPARE(committed(id), expected);
        QCOMPARE(session(id)->state(), v1::Session::STATE_RECORDING);
        const qint64 lastEventNs = committedEvents(id).constLast().time_ns();

        // The next recorder closes the dead one's session.
        QProcess next;
        const QString nextId = startRecording(next, {QStringLiteral("--no-screenshots")});
        QVERIFY(!nextId.isEmpty());
        QVERIFY(nextId != id);
        // Closing the terminal ends a recording as cleanly as Ctrl+C.
        QVERIFY(signalAndWait(next, SIGHUP));
        QCOMPARE(next.exitCode(), 0);
        QVERIFY(
            QString::fromUtf8(next.readAllStandardError())
                .contains(QStringLiteral("session %1 was left open by a recorder that was killed; marked interrupted")
                              .arg(id)));
        const auto interrupted = session(id);
        QCOMPARE(interrupted->state(), v1::Session::STATE_INTERRUPTED);
        QCOMPARE(interrupted->ended_ns(), lastEventNs);
        QCOMPARE(session(nextId)->state(), v1::Session::STATE_FINISHED);
        QCOMPARE(run({QStringLiteral("verify")}).exitCode, 0);
    }

    void screenshotsOncePerContentAndNeverOfExcludedWindows()
    {
        QDir().mkpath(m_database->directory() + QStringLiteral("/config/trailmark"));
        QFile rules(m_database->directory() + QStringLiteral("/config/trailmark/exclude.conf"));
        QVERIFY(rules.open(QIODevice::WriteOnly));
        rules.write("# the user's own rules\ntitle *top secret*\n");
        rules.close();

        const xcb_window_t red = window(QStringLiteral("shot-red"), QStringLiteral("RedApp"), 0xcc0000);
        const xcb_window_t green = window(QStringLiteral("shot-green"), QStringLiteral("GreenApp"), 0x00aa00);
        const xcb_window_t keepass = window(QStringLiteral("keepassxc"), QStringLiteral("KeePassXC"), 0x222222);
        const xcb_window_t turncoat = window(QStringLiteral("shot-blue"), QStringLiteral("BlueApp"), 0x0000cc);
        X11TestClient::WindowSpec secretSpec;
        secretSpec.instance = QStringLiteral("shot-secret");
        secretSpec.appClass = QStringLiteral("Editor");
        secretSpec.netWmName = QStringLiteral("the TOP SECRET plan - Editor");
        const xcb_window_t secret = m_x->createWindow(secretSpec);
        m_windows.append(secret);
        QVERIFY(X11TestClient::activate(red));

        QProcess recorder;
        // The title below must turn secret before the screenshot is due: give it time
        // even on a loaded machine.
        const QString id = startRecording(recorder, {QStringLiteral("--screenshot-delay"), QStringLiteral("1500")});
        QVERIFY2(!id.isEmpty(), recorder.readAllStandardError().constData());
        QStringList expected{QStringLiteral("switch RedApp | shot-red"), QStringLiteral("screenshot 320x200")};
        QTRY_COMPARE(committed(id), expected);
        QVERIFY(X11TestClient::activate(green));
        expected << QStringLiteral("switch GreenApp | shot-green") << QStringLiteral("screenshot 320x200");
        QTRY_COMPARE(committed(id), expected);
        QVERIFY(X11TestClient::activate(red));
        expected << QStringLiteral("switch RedApp | shot-red") << QStringLiteral("screenshot 320x200");
        QTRY_COMPARE(committed(id), expected);
        // A window whose title turns secret before its screenshot is due: no screenshot.
        QVERIFY(X11TestClient::activate(turncoat));
        m_x->setNetWmName(turncoat, QStringLiteral("TOP SECRET draft"));
        // A loaded recorder may read the window only after the rename: then the switch
        // itself carries the excluded title. Either way no screenshot may follow.
        const QStringList seenFirst{QStringLiteral("switch BlueApp | shot-blue"), QStringLiteral("title  (excluded)")};
        const QStringList seenLate{QStringLiteral("switch BlueApp |  (excluded)")};
        QTRY_VERIFY(committed(id).mid(expected.size()) == seenFirst || committed(id).mid(expected.size()) == seenLate);
        expected << committed(id).mid(expected.size());
        QTest::qWait(1800); // past the screenshot delay: still no screenshot
        QCOMPARE(committed(id), expected);
        QVERIFY(X11TestClient::activate(keepass));
        QVERIFY(X11TestClient::activate(secret));
        expected << QStringLiteral("switch KeePassXC |  (excluded)") << QStringLiteral("switch Editor |  (excluded)");
        QTRY_COMPARE(committed(id), expected);
        // No screenshot of either, and none of the screen on a note while one is active.
        QCOMPARE(run({QStringLiteral("note"), QStringLiteral("while excluded")}).exitCode, 0);
        expected << QStringLiteral("note while excluded");
        QTRY_COMPARE(committed(id), expected);
        QTest::qWait(1800); // past the screenshot delay: still no screenshot
        QCOMPARE(committed(id), expected);
        QVERIFY(X11TestClient::activate(red));
        expected << QStringLiteral("switch RedApp | shot-red") << QStringLiteral("screenshot 320x200");
        QTRY_COMPARE(committed(id), expected);
        QCOMPARE(run({QStringLiteral("note"), QStringLiteral("look at this")}).exitCode, 0);
        expected << QStringLiteral("note look at this") << QStringLiteral("screenshot 1280x800");
        QTRY_COMPARE(committed(id), expected);
        QVERIFY(signalAndWait(recorder, SIGINT));
        QCOMPARE(recorder.exitCode(), 0);

        // Red three times, green once, the screen once: three pictures stored.
        QList<QByteArray> hashes;
        QList<quint64> windows;
        for (const auto& event : committedEvents(id)) {
            if (event.has_screenshot()) {
                hashes.append(QByteArray::fromStdString(event.screenshot().sha256()));
                windows.append(event.screenshot().window_id());
                QCOMPARE(event.screenshot().mime(), "image/png");
            }
        }
        QCOMPARE(windows, (QList<quint64>{red, green, red, red, 0}));
        QCOMPARE(hashes.at(0), hashes.at(2));
        QCOMPARE(hashes.at(0), hashes.at(3));
        QVERIFY(hashes.at(0) != hashes.at(1));
        QString error;
        auto store = store::Store::open(m_database->path(), store::Store::Access::ReadOnly, &error);
        QVERIFY(store);
        const store::VerifyReport report = store::Verifier(*store).run();
        QVERIFY(report.isClean());
        QCOMPARE(report.blobs, 3);
        const auto png = store->blob(hashes.at(0), &error);
        QVERIFY(png);
        const QImage image = QImage::fromData(*png, "PNG");
        QCOMPARE(image.size(), QSize(320, 200));
        QCOMPARE(image.pixel(160, 100) & 0xffffff, 0xcc0000u);
        const QImage greenImage = QImage::fromData(*store->blob(hashes.at(1), &error), "PNG");
        QCOMPARE(greenImage.pixel(10, 10) & 0xffffff, 0x00aa00u);
    }
};

QTEST_GUILESS_MAIN(TestRecordCommand)
#include "TestRecordCommand.moc"
