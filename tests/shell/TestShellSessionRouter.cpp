// Where spool records land, on a real store: the session being recorded when there is
// one, otherwise one session per shell session, found again by its source on a later
// run; finish() moves a shell session's end to its last event. Filters apply to every
// sink handed out.
#include "TestSupport.h"
#include "capture/SessionSink.h"
#include "capture/shell/ShellSessionRouter.h"
#include "capture/shell/SpoolRecord.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QTest>

using namespace trailmark;

namespace {

constexpr qint64 kStartUs = 1'767'261'600'000'000; // 2026-01-01T10:00:00Z

capture::SpoolFileName shell(const QString& sessionId, qint64 pid = 4242)
{
    return capture::SpoolFileName{QStringLiteral("bash"), pid, sessionId, kStartUs, 0};
}

// Marks every note it sees, so a test can tell that the router's filters ran.
class MarkingFilter final : public capture::EventFilter
{
public:
    void apply(v1::Event& event) const override
    {
        if (event.has_note())
            event.mutable_note()->set_text(event.note().text() + " [filtered]");
    }
};

bool recordNote(capture::EventSink* sink, qint64 timeNs, const std::string& text, QString* error)
{
    v1::Event event;
    event.set_time_ns(timeNs);
    event.mutable_note()->set_text(text);
    return sink != nullptr && sink->record(event, error);
}

} // namespace

class TestShellSessionRouter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordsGoToTheSessionBeingRecorded()
    {
        test::TempDatabase database;
        auto store = database.open();
        QVERIFY(store);
        QString error;
        v1::Session finished, older, recording;
        finished.set_state(v1::Session::STATE_FINISHED);
        older.set_state(v1::Session::STATE_RECORDING);
        recording.set_state(v1::Session::STATE_RECORDING);
        for (v1::Session* session : {&older, &finished, &recording})
            QVERIFY2(store->createSession(*session, &error), qPrintable(error));

        store::EventWriter writer(*store);
        capture::ShellSessionRouter router(*store, writer);
        QVERIFY2(router.prepare(&error), qPrintable(error));
        QCOMPARE(router.recordingSessionId(), QString::fromStdString(recording.id())); // the newest
        QVERIFY(recordNote(router.sinkFor(shell(QStringLiteral("bash-1-1")), &error), 1, "a", &error));
        QVERIFY(recordNote(router.sinkFor(shell(QStringLiteral("bash-2-2"), 7), &error), 2, "b", &error));
        QVERIFY2(router.finish(&error), qPrintable(error));
        QVERIFY(router.createdSessionIds().isEmpty());
        QCOMPARE(test::eventsOf(*store, QString::fromStdString(recording.id())).size(), 2);
        QCOMPARE(test::eventsOf(*store, QString::fromStdString(older.id())).size(), 0);
    }

    void oneSessionPerShellFoundAgainLater()
    {
        test::TempDatabase database;
        auto store = database.open();
        QVERIFY(store);
        QString error;
        const QString shellA = QStringLiteral("bash-4242-%1").arg(kStartUs);
        const QString shellB = QStringLiteral("zsh-77-%1").arg(kStartUs);
        QString sessionA;
        {
            store::EventWriter writer(*store);
            capture::ShellSessionRouter router(*store, writer);
            QVERIFY(router.prepare(&error));
            QVERIFY(router.recordingSessionId().isEmpty());
            capture::EventSink* sinkA = router.sinkFor(shell(shellA), &error);
            QVERIFY(recordNote(sinkA, kStartUs * 1000 + 5, "first", &error));
            QCOMPARE(router.sinkFor(shell(shellA), &error), sinkA); // one sink per session
            QVERIFY(recordNote(router.sinkFor(shell(shellB, 77), &error), kStartUs * 1000 + 9, "other", &error));
            QVERIFY2(router.finish(&error), qPrintable(error));
            QCOMPARE(router.createdSessionIds().size(), 2);
            sessionA = router.createdSessionIds().first();
        }
        const auto created = store->session(sessionA, &error);
        QVERIFY(created);
        QCOMPARE(QString::fromStdString(created->source()), capture::ShellSessionRouter::sourceFor(shellA));
        QCOMPARE(created->platform(), "linux-shell");
        QCOMPARE(created->state(), v1::Session::STATE_FINISHED);
        QCOMPARE(created->started_ns(), kStartUs * 1000);
        QCOMPARE(created->ended_ns(), kStartUs * 1000 + 5); // moved to its last event by finish()
        QVERIFY(QString::fromStdString(created->task()).contains(QLatin1String("(bash pid 4242)")));

        // A later run (another `trailmark ingest`) continues the same session.
        store::EventWriter writer(*store);
        capture::ShellSessionRouter router(*store, writer);
        QVERIFY(router.prepare(&error));
        QVERIFY(recordNote(router.sinkFor(shell(shellA), &error), kStartUs * 1000 + 60, "second", &error));
        QVERIFY(router.finish(&error));
        QVERIFY(router.createdSessionIds().isEmpty());
        const QList<v1::Event> events = test::eventsOf(*store, sessionA);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events[1].note().text(), "second");
        QCOMPARE(store->session(sessionA, &error)->ended_ns(), kStartUs * 1000 + 60);
    }

    void filtersApplyToEverySink()
    {
        test::TempDatabase database;
        auto store = database.open();
        QVERIFY(store);
        QString error;
        store::EventWriter writer(*store);
        capture::ShellSessionRouter router(*store, writer);
        const MarkingFilter filter;
        router.addFilter(&filter);
        QVERIFY(router.prepare(&error));
        QVERIFY(recordNote(router.sinkFor(shell(QStringLiteral("bash-1-1")), &error), kStartUs * 1000, "x", &error));
        QVERIFY(router.finish(&error));
        const QList<v1::Event> events = test::eventsOf(*store, router.createdSessionIds().first());
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().note().text(), "x [filtered]");
    }
};

QTEST_GUILESS_MAIN(TestShellSessionRouter)
#include "TestShellSessionRouter.moc"
