// The disk-full hold on a real database that runs out of pages: the first failed
// write holds the gate, the retry timer writes what waited once there is room again,
// a GAP marker at the time the hold began says what was missed, and resumed() follows.
#include "TestSupport.h"
#include "capture/RecordingGate.h"
#include "capture/SessionSink.h"
#include "capture/StorageHold.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QSignalSpy>
#include <QTest>

using namespace trailmark;
using namespace std::chrono_literals;

class TestStorageHold final : public QObject
{
    Q_OBJECT

private:
    struct Recording
    {
        test::TempDatabase database;
        std::unique_ptr<store::Store> store;
        test::ManualClock clock;
        QString sessionId;
        std::unique_ptr<store::EventWriter> writer;
        std::unique_ptr<capture::SessionSink> sink;
        std::unique_ptr<capture::RecordingGate> gate;
        std::unique_ptr<capture::StorageHold> hold;

        bool start()
        {
            store = database.open();
            if (!store)
                return false;
            store->setClock(&clock);
            sessionId = test::createSession(*store, QStringLiteral("hold"));
            writer = std::make_unique<store::EventWriter>(*store);
            writer->setKeepFailedBatches(true);
            sink = std::make_unique<capture::SessionSink>(*store, *writer, sessionId);
            gate = std::make_unique<capture::RecordingGate>(*sink, nullptr, clock);
            hold = std::make_unique<capture::StorageHold>(*writer, *gate, clock, 20ms);
            QObject::connect(writer.get(), &store::EventWriter::writeFailed, hold.get(), &capture::StorageHold::hold);
            return true;
        }
        // Appends notes until a commit fails for want of pages (the disk is "full").
        int fillUntilFull()
        {
            store::sqliteExec(store->handle(), "PRAGMA max_page_count=1", nullptr); // clamps to the current size
            const std::string padding(2000, 'x');
            QString error;
            for (int i = 0; i < 200; ++i) {
                v1::Event event;
                event.mutable_note()->set_text("note " + std::to_string(i) + padding);
                if (!gate->record(event, &error) || !gate->commit(&error))
                    return i + 1;
            }
            return -1;
        }
        void makeRoom() { store::sqliteExec(store->handle(), "PRAGMA max_page_count=100000", nullptr); }
    };

private Q_SLOTS:
    void aFailedWriteHoldsTheGateOnce()
    {
        Recording recording;
        QVERIFY(recording.start());
        QSignalSpy held(recording.hold.get(), &capture::StorageHold::held);
        recording.clock.advanceMs(1000);
        QVERIFY(recording.fillUntilFull() > 0);
        QVERIFY(recording.hold->isHeld());
        QVERIFY(recording.gate->isHeld());
        QCOMPARE(held.size(), 1);
        QVERIFY(!recording.hold->reason().isEmpty());
        QCOMPARE(recording.hold->reason(), held.first().first().toString());

        recording.hold->hold(QStringLiteral("another failure"));
        QCOMPARE(held.size(), 1);
        QVERIFY(recording.hold->reason() != QLatin1String("another failure"));

        // While held, live activity is dropped and ingest refused.
        QString error;
        v1::Event dropped;
        dropped.mutable_note()->set_text("while held");
        QVERIFY(recording.gate->record(dropped, &error));
        QVERIFY(dropped.id().empty());
        QVERIFY(!recording.gate->recordIngestPosition(QStringLiteral("shell-spool:x"), 1, &error));
        QVERIFY2(error.contains(QLatin1String("on hold")), qPrintable(error));
    }

    void retriesUntilThereIsRoomThenRecordsTheGap()
    {
        Recording recording;
        QVERIFY(recording.start());
        QSignalSpy resumed(recording.hold.get(), &capture::StorageHold::resumed);
        const qint64 heldAtNs = recording.clock.nowNs();
        const int written = recording.fillUntilFull();
        QVERIFY(written > 0);
        const qint64 waiting = recording.writer->unwrittenEvents();
        QVERIFY(waiting > 0);

        QString error;
        QVERIFY(!recording.hold->tryToResume(&error)); // still full
        QVERIFY(recording.hold->isHeld());
        QTest::qWait(60); // the retry timer fails quietly meanwhile
        QVERIFY(recording.hold->isHeld());
        QCOMPARE(resumed.size(), 0);

        recording.clock.advanceMs(2500);
        recording.makeRoom();
        QTRY_COMPARE(resumed.size(), 1); // the retry timer, not the test, resumes
        QVERIFY(!recording.hold->isHeld());
        QVERIFY(!recording.gate->isHeld());
        QCOMPARE(recording.writer->unwrittenEvents(), 0);

        const QList<v1::Event> events = test::eventsOf(*recording.store, recording.sessionId);
        QCOMPARE(events.size(), written + 1);
        const v1::Event& gap = events.last();
        QVERIFY(gap.has_marker());
        QCOMPARE(gap.marker().kind(), v1::Marker::KIND_GAP);
        QCOMPARE(gap.time_ns(), heldAtNs);
        QVERIFY2(QString::fromStdString(gap.marker().label()).startsWith(QLatin1String("not recorded for 2.5 s: ")),
                 gap.marker().label().c_str());
        for (int i = 0; i < written; ++i)
            QVERIFY(events[i].has_note());

        // Recording goes on after the hold, with no second GAP.
        v1::Event after;
        after.mutable_note()->set_text("after");
        QVERIFY(recording.gate->record(after, &error));
        QVERIFY(recording.gate->commit(&error));
        QCOMPARE(test::eventsOf(*recording.store, recording.sessionId).size(), written + 2);
    }
};

QTEST_GUILESS_MAIN(TestStorageHold)
#include "TestStorageHold.moc"
