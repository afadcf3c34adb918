// The gate in front of a live session: pause windows judged by each event's own time,
// markers that pass at the edges, and the hold that keeps live activity and ingest out.
#include "TestSupport.h"
#include "capture/RecordingGate.h"
#include "capture/SessionSink.h"
#include "capture/SourceDeclaration.h"
#include "capture/screenshot/Screenshotter.h"
#include "capture/window/WindowDeclaration.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QTest>

using namespace trailmark;

class TestRecordingGate final : public QObject
{
    Q_OBJECT

private:
    // A session in a fresh database with a gate in front of its sink.
    struct Gated
    {
        test::TempDatabase database;
        std::unique_ptr<store::Store> store = database.open();
        test::ManualClock clock;
        QString session = store ? test::createSession(*store, QStringLiteral("gate")) : QString();
        std::unique_ptr<store::EventWriter> writer = store ? std::make_unique<store::EventWriter>(*store) : nullptr;
        std::unique_ptr<capture::SessionSink> sink =
            store ? std::make_unique<capture::SessionSink>(*store, *writer, session) : nullptr;
        std::unique_ptr<capture::RecordingGate> gate =
            store ? std::make_unique<capture::RecordingGate>(*sink, nullptr, clock) : nullptr;
    };

    // One window, always active, always there to be pictured.
    class OneWindow final : public capture::ScreenGrabber
    {
    public:
        std::optional<QImage> grabWindow(quint64, QString*) override { return picture(); }
        std::optional<QImage> grabScreen(QString*) override { return picture(); }
        std::optional<QImage> grabScreenHiding(const WindowFilter&, QString*) override { return picture(); }
        std::optional<capture::WindowDescription> describeWindow(quint64) override
        {
            return capture::WindowDescription{QStringLiteral("editor"), QStringLiteral("Editor"),
                                              QStringLiteral("notes.txt"), QStringLiteral("editor")};
        }
        quint64 activeWindow() override { return kWindow; }
        static constexpr quint64 kWindow = 7;

    private:
        static QImage picture()
        {
            QImage image(4, 4, QImage::Format_RGB32);
            image.fill(Qt::darkCyan);
            return image;
        }
    };

    static v1::Event switchTo(quint64 window)
    {
        v1::Event event;
        event.mutable_app_switch()->set_window_id(window);
        return event;
    }

    static v1::Event noteAt(qint64 timeNs, const std::string& text)
    {
        v1::Event event;
        event.set_time_ns(timeNs);
        event.mutable_note()->set_text(text);
        return event;
    }

private Q_SLOTS:
    void pauseWindows_data()
    {
        QTest::addColumn<qint64>("offsetNs"); // from the start of the pause, which lasts 1000 ns
        QTest::addColumn<bool>("stored");
        QTest::newRow("before") << qint64(-1) << true;
        QTest::newRow("at the pause") << qint64(0) << false;
        QTest::newRow("inside") << qint64(500) << false;
        QTest::newRow("at the resume") << qint64(1000) << true;
        QTest::newRow("after") << qint64(5000) << true;
    }
    void pauseWindows()
    {
        QFETCH(qint64, offsetNs);
        QFETCH(bool, stored);
        Gated gated;
        QVERIFY(gated.store);
        capture::RecordingGate& gate = *gated.gate;
        test::ManualClock& clock = gated.clock;
        const qint64 pausedAt = clock.nowNs();
        gate.pause(pausedAt);
        QVERIFY(gate.isPaused());
        gate.resume(pausedAt + 1000);
        QVERIFY(!gate.isPaused());

        // Arrives after the resume (as spool commands do) but happened at its own time.
        QString error;
        v1::Event event = noteAt(pausedAt + offsetNs, "n");
        QVERIFY2(gate.record(event, &error), qPrintable(error));
        QVERIFY2(gate.commit(&error), qPrintable(error));
        QCOMPARE(test::eventsOf(*gated.store, gated.session).size(), stored ? 1 : 0);
    }

    // Keyframes of GUI actions: no picture is stored while paused or held, and a source
    // can ask before it takes one.
    void picturesOnlyWhileRecording()
    {
        Gated gated;
        QVERIFY(gated.store);
        capture::RecordingGate& gate = *gated.gate;
        test::ManualClock& clock = gated.clock;
        const QByteArray png = QByteArray::fromHex("89504e470d0a1a0a") + "keyframe";
        QString error;
        QVERIFY(gate.accepts(clock.nowNs()));
        const auto stored = gate.putBlob(png, QStringLiteral("image/png"), &error);
        QVERIFY2(stored, qPrintable(error));
        QCOMPARE(gated.store->blob(*stored, &error).value_or(QByteArray()), png);

        gate.pause(clock.nowNs());
        QVERIFY(!gate.accepts(clock.nowNs()));
        QVERIFY(!gate.putBlob(png + "2", QStringLiteral("image/png"), &error));
        QCOMPARE(error, QStringLiteral("recording is paused"));
        gate.resume(clock.nowNs());
        gate.setHeld(true);
        QVERIFY(!gate.accepts(clock.nowNs()));
        QVERIFY(!gate.putBlob(png + "3", QStringLiteral("image/png"), &error));
        gate.setHeld(false);
        QVERIFY(gate.accepts(clock.nowNs()));
        QVERIFY(gate.putBlob(png + "4", QStringLiteral("image/png"), &error));
    }

    // The gate names no kind of event: a picture follows only what a source declared
    // as its trigger (the window source: a switch), and nothing else.
    void picturesFollowTheDeclaredTriggers()
    {
        Gated gated;
        QVERIFY(gated.store);
        capture::Screenshotter shots(*gated.store, *gated.sink, std::make_unique<OneWindow>(), nullptr);
        shots.setDelay(0);
        capture::RecordingGate gate(*gated.sink, &shots, gated.clock);
        QString error;
        v1::Event undeclared = switchTo(OneWindow::kWindow);
        QVERIFY2(gate.record(undeclared, &error), qPrintable(error));
        QTest::qWait(50);
        QCOMPARE(shots.taken(), 0);

        const capture::ScreenshotTrigger trigger = capture::windowDeclaration().screenshotTrigger;
        QVERIFY(trigger);
        gate.addScreenshotTrigger(trigger);
        v1::Event note = noteAt(gated.clock.nowNs(), "not a switch");
        QVERIFY2(gate.record(note, &error), qPrintable(error));
        QTest::qWait(50);
        QCOMPARE(shots.taken(), 0);
        v1::Event declared = switchTo(OneWindow::kWindow);
        QVERIFY2(gate.record(declared, &error), qPrintable(error));
        QTRY_COMPARE(shots.taken(), 1);
    }

    void untimedEventsAreJudgedByNow()
    {
        Gated gated;
        QVERIFY(gated.store);
        capture::RecordingGate& gate = *gated.gate;
        test::ManualClock& clock = gated.clock;
        gate.pause(clock.nowNs());
        QString error;
        v1::Event during = noteAt(0, "during");
        QVERIFY(gate.record(during, &error));
        v1::Event marker;
        marker.set_time_ns(clock.nowNs());
        marker.mutable_marker()->set_kind(v1::Marker::KIND_PAUSE);
        QVERIFY(gate.recordMarker(marker, &error)); // markers pass a pause
        QVERIFY(gate.commit(&error));
        const QList<v1::Event> events = test::eventsOf(*gated.store, gated.session);
        QCOMPARE(events.size(), 1);
        QVERIFY(events.first().has_marker());
    }

    void holdKeepsLiveActivityAndIngestOut()
    {
        Gated gated;
        QVERIFY(gated.store);
        capture::RecordingGate& gate = *gated.gate;
        test::ManualClock& clock = gated.clock;
        QString error;
        gate.setHeld(true);
        v1::Event held = noteAt(clock.nowNs(), "held");
        QVERIFY(gate.record(held, &error));
        QVERIFY(!gate.recordIngestPosition(QStringLiteral("shell-spool:a"), 10, &error));
        gate.setHeld(false);
        QVERIFY2(gate.recordIngestPosition(QStringLiteral("shell-spool:a"), 20, &error), qPrintable(error));
        v1::Event after = noteAt(clock.nowNs(), "after");
        QVERIFY(gate.record(after, &error));
        QVERIFY(gate.commit(&error));
        const QList<v1::Event> events = test::eventsOf(*gated.store, gated.session);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().note().text(), "after");
        QCOMPARE(gate.ingestPosition(QStringLiteral("shell-spool:a"), &error), std::optional<qint64>(20));
    }
};

QTEST_GUILESS_MAIN(TestRecordingGate)
#include "TestRecordingGate.moc"
