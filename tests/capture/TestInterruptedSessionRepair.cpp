// Which sessions a dead recorder's leftovers are, and how they are closed: live
// sessions still RECORDING or PAUSED become INTERRUPTED, ending at their last event
// (or their start when they have none); imports and closed sessions are left alone.
#include "TestSupport.h"
#include "capture/InterruptedSessionRepair.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QTest>

using namespace trailmark;

Q_DECLARE_METATYPE(v1::Session::State)

class TestInterruptedSessionRepair final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closesOnlyLiveSessionsLeftOpen_data()
    {
        QTest::addColumn<v1::Session::State>("state");
        QTest::addColumn<QString>("source");
        QTest::addColumn<bool>("closed");
        QTest::newRow("recording") << v1::Session::STATE_RECORDING << QString() << true;
        QTest::newRow("paused") << v1::Session::STATE_PAUSED << QString() << true;
        QTest::newRow("finished") << v1::Session::STATE_FINISHED << QString() << false;
        QTest::newRow("already interrupted") << v1::Session::STATE_INTERRUPTED << QString() << false;
        QTest::newRow("recording import")
            << v1::Session::STATE_RECORDING << QStringLiteral("atuin:/tmp/history.db") << false;
    }
    void closesOnlyLiveSessionsLeftOpen()
    {
        QFETCH(v1::Session::State, state);
        QFETCH(QString, source);
        QFETCH(bool, closed);
        test::TempDatabase database;
        auto store = database.open();
        QVERIFY(store);
        v1::Session session;
        session.set_state(state);
        session.set_source(source.toStdString());
        QString error;
        QVERIFY2(store->createSession(session, &error), qPrintable(error));

        const auto ids = capture::InterruptedSessionRepair::closeLeftOpen(*store, &error);
        QVERIFY2(ids, qPrintable(error));
        QCOMPARE(ids->contains(QString::fromStdString(session.id())), closed);
        const auto stored = store->session(QString::fromStdString(session.id()), &error);
        QVERIFY(stored);
        QCOMPARE(stored->state(), closed ? v1::Session::STATE_INTERRUPTED : state);
        if (closed)
            QCOMPARE(stored->ended_ns(), session.started_ns()); // no events: it ends where it began

        // A second run finds nothing left to close.
        const auto again = capture::InterruptedSessionRepair::closeLeftOpen(*store, &error);
        QVERIFY(again);
        QVERIFY(again->isEmpty());
    }

    void endsAtTheLastEvent()
    {
        test::TempDatabase database;
        auto store = database.open();
        QVERIFY(store);
        v1::Session session;
        session.set_state(v1::Session::STATE_RECORDING);
        QString error;
        QVERIFY(store->createSession(session, &error));
        store::EventWriter writer(*store);
        qint64 lastNs = 0;
        for (int i = 1; i <= 3; ++i) {
            v1::Event event;
            event.set_session_id(session.id());
            event.set_time_ns(session.started_ns() + 1000 * i);
            event.mutable_note()->set_text("n");
            QVERIFY2(writer.append(event, &error), qPrintable(error));
            lastNs = event.time_ns();
        }
        QVERIFY(writer.flush(&error));

        const auto ids = capture::InterruptedSessionRepair::closeLeftOpen(*store, &error);
        QVERIFY2(ids, qPrintable(error));
        QCOMPARE(*ids, QStringList{QString::fromStdString(session.id())});
        QCOMPARE(store->session(QString::fromStdString(session.id()), &error)->ended_ns(), lastNs);
    }
};

QTEST_GUILESS_MAIN(TestInterruptedSessionRepair)
#include "TestInterruptedSessionRepair.moc"
