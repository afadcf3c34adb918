// The Recorder's session lifecycle without any display: lock, interrupted sessions,
// notes, a busy database, clean stop.
#include "TestSupport.h"
#include "capture/Recorder.h"
#include "capture/RecorderLock.h"
#include "store/Clock.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Vocabulary.h"

#include <QCoreApplication>
#include <QFile>
#include <QScopeGuard>
#include <QTest>

#include <sqlite3.h>

#include <unistd.h>

using namespace trailmark;
using namespace trailmark::test;

class TestRecorder final : public QObject
{
    Q_OBJECT

private:
    static capture::RecorderOptions options(const TempDatabase& database)
    {
        capture::RecorderOptions result;
        result.databasePath = database.path();
        result.task = QStringLiteral("unit");
        result.controlSocket = false;
        result.screenshots = false;
        return result;
    }

    static v1::Session openSession(store::Store& store, v1::Session::State state, const std::string& source = {})
    {
        v1::Session session;
        session.set_state(state);
        session.set_source(source);
        QString error;
        if (!store.createSession(session, &error))
            qWarning("%s", qPrintable(error));
        return session;
    }

private Q_SLOTS:
    void closesSessionsLeftOpenAsInterrupted()
    {
        TempDatabase database;
        qint64 lastEventNs = 0;
        v1::Session withEvents, empty, paused, imported, finished;
        {
            auto store = database.open();
            QVERIFY(store);
            withEvents = openSession(*store, v1::Session::STATE_RECORDING);
            empty = openSession(*store, v1::Session::STATE_RECORDING);
            paused = openSession(*store, v1::Session::STATE_PAUSED);
            imported = openSession(*store, v1::Session::STATE_RECORDING, "atuin:/tmp/history.db");
            finished = openSession(*store, v1::Session::STATE_FINISHED);
            store::EventWriter writer(*store);
            QString error;
            for (int i = 0; i < 3; ++i) {
                v1::Event event;
                event.set_session_id(withEvents.id());
                event.set_time_ns(withEvents.started_ns() + 1000 * (i + 1));
                event.mutable_note()->set_text("n");
                QVERIFY2(writer.append(event, &error), qPrintable(error));
                lastEventNs = event.time_ns();
            }
            QVERIFY(writer.flush(&error));
        }

        capture::Recorder recorder(options(database));
        QString error;
        QVERIFY2(recorder.start(&error), qPrintable(error));
        QStringList interrupted = recorder.interruptedSessions();
        QStringList expected{QString::fromStdString(withEvents.id()), QString::fromStdString(empty.id()),
                             QString::fromStdString(paused.id())};
        interrupted.sort();
        expected.sort();
        QCOMPARE(interrupted, expected);
        auto reader = database.open();
        QCOMPARE(reader->session(QString::fromStdString(withEvents.id()), &error)->state(),
                 v1::Session::STATE_INTERRUPTED);
        QCOMPARE(reader->session(QString::fromStdString(withEvents.id()), &error)->ended_ns(), lastEventNs);
        QCOMPARE(reader->session(QString::fromStdString(empty.id()), &error)->ended_ns(), empty.started_ns());
        QCOMPARE(reader->session(QString::fromStdString(paused.id()), &error)->state(), v1::Session::STATE_INTERRUPTED);
        QCOMPARE(reader->session(QString::fromStdString(imported.id()), &error)->state(), v1::Session::STATE_RECORDING);
        QCOMPARE(reader->session(QString::fromStdString(finished.id()), &error)->state(), v1::Session::STATE_FINISHED);

        const auto current = reader->session(recorder.sessionId(), &error);
        QVERIFY(current);
        QCOMPARE(current->state(), v1::Session::STATE_RECORDING);
        QCOMPARE(current->task(), "unit");
        QVERIFY(!current->expert().empty());
        QVERIFY(!current->host().empty());
        QVERIFY(!current->platform().empty());
        QVERIFY(recorder.stop(&error));
        QCOMPARE(reader->session(recorder.sessionId(), &error)->state(), v1::Session::STATE_FINISHED);
    }

    void onlyOneRecorderPerDatabase()
    {
        TempDatabase database;
        capture::Recorder first(options(database));
        QString error;
        QVERIFY2(first.start(&error), qPrintable(error));
        QCOMPARE(modeOf(database.path() + QStringLiteral(".lock")), 0600);
        qint64 holder = 0;
        QVERIFY(capture::RecorderLock::isLocked(database.path(), &holder));
        QCOMPARE(holder, QCoreApplication::applicationPid());

        capture::Recorder second(options(database));
        QVERIFY(!second.start(&error));
        QCOMPARE(error, QStringLiteral("another recorder (pid %1) is already recording into %2")
                            .arg(QCoreApplication::applicationPid())
                            .arg(database.path()));
        QVERIFY(!second.isRecording());

        QVERIFY(first.stop(&error));
        QVERIFY(!capture::RecorderLock::isLocked(database.path(), &holder));
        QVERIFY2(second.start(&error), qPrintable(error));
        QVERIFY(second.stop(&error));
    }

    void notesAreCommittedAtOnce()
    {
        TempDatabase database;
        capture::Recorder recorder(options(database));
        QString error;
        QVERIFY(recorder.start(&error));
        const auto id =
            recorder.addNote(QStringLiteral("try the staging db"), v1::Note::KIND_GOAL, QStringLiteral("cli"), &error);
        QVERIFY2(id, qPrintable(error));
        QCOMPARE(recorder.writer()->pendingEvents(), 0);
        QVERIFY(!recorder.addNote(QStringLiteral("   "), v1::Note::KIND_UNSPECIFIED, QStringLiteral("cli"), &error));
        QCOMPARE(error, QStringLiteral("the note is empty"));

        auto reader = store::Store::open(database.path(), store::Store::Access::ReadOnly, &error);
        QVERIFY2(reader, qPrintable(error));
        const QList<v1::Event> events = eventsOf(*reader, recorder.sessionId());
        QCOMPARE(events.size(), 1);
        QCOMPARE(QString::fromStdString(events.at(0).id()), *id);
        QCOMPARE(events.at(0).note().kind(), v1::Note::KIND_GOAL);
        QVERIFY(recorder.stop(&error));
        QVERIFY(!recorder.addNote(QStringLiteral("late"), v1::Note::KIND_GOAL, QStringLiteral("cli"), &error));
    }

    // Another process holds the database's write lock past the busy timeout (a long
    // import, say): the note waits in memory, the recorder goes on hold, and both the
    // note and a GAP marker are stored once the lock is free.
    void noteWaitsWhileAnotherProcessHoldsTheLock()
    {
        TempDatabase database;
        capture::RecorderOptions recorderOptions = options(database);
        recorderOptions.storageRetryInterval = std::chrono::milliseconds(50);
        capture::Recorder recorder(recorderOptions);
        QString error;
        QVERIFY2(recorder.start(&error), qPrintable(error));
        sqlite3_busy_timeout(recorder.store()->handle(), 20);
        sqlite3* other = nullptr;
        QCOMPARE(
            sqlite3_open_v2(QFile::encodeName(database.path()).constData(), &other, SQLITE_OPEN_READWRITE, nullptr),
            SQLITE_OK);
        const auto closeOther = qScopeGuard([other] { sqlite3_close(other); });
        QVERIFY(store::sqliteExec(other, "BEGIN IMMEDIATE", nullptr));

        QVERIFY(!recorder.addNote(QStringLiteral("written while locked"), v1::Note::KIND_THINK_ALOUD,
                                  QStringLiteral("cli"), &error));
        QVERIFY2(error.contains(QLatin1String("waits in memory")), qPrintable(error));
        QVERIFY(recorder.isOnHold());
        QTest::qWait(200); // retries meet the lock
        QVERIFY(recorder.isOnHold());

        QVERIFY(store::sqliteExec(other, "ROLLBACK", nullptr));
        QTRY_VERIFY(!recorder.isOnHold());
        QVERIFY(recorder.stop(&error));
        auto reader = store::Store::open(database.path(), store::Store::Access::ReadOnly, &error);
        QVERIFY2(reader, qPrintable(error));
        const QList<v1::Event> events = eventsOf(*reader, recorder.sessionId());
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(0).note().text(), std::string("written while locked"));
        QCOMPARE(events.at(1).marker().kind(), v1::Marker::KIND_GAP);
        QVERIFY(events.at(1).marker().label().find("locked") != std::string::npos);
    }

    void pauseStoresNothingUntilResumed()
    {
        // A source the test drives by hand, standing for the shell spool whose records
        // can arrive after the moment they describe.
        class ManualSource final : public capture::CaptureSource
        {
        public:
            QString name() const override { return QStringLiteral("manual"); }
            capture::SourceSupport supportHere() const override { return {true, {}}; }
            bool start(capture::EventSink& sink, QString*) override
            {
                m_sink = &sink;
                return true;
            }
            void stop() override { m_sink = nullptr; }
            bool emitNote(const std::string& text, qint64 timeNs)
            {
                v1::Event event;
                event.set_time_ns(timeNs);
                event.mutable_note()->set_text(text);
                QString error;
                return m_sink && m_sink->record(event, &error);
            }

        private:
            capture::EventSink* m_sink = nullptr;
        };

        TempDatabase database;
        capture::Recorder recorder(options(database));
        auto source = std::make_unique<ManualSource>();
        ManualSource* manual = source.get();
        recorder.addSource(std::move(source));
        QString error;
        QVERIFY(recorder.start(&error));
        const auto now = [] {
            return store::Clock::system().nowNs();
        };
        QVERIFY(manual->emitNote("before", now()));
        QVERIFY2(recorder.setPaused(true, &error), qPrintable(error));
        QVERIFY(recorder.isPaused());
        const qint64 duringPause = now();
        QVERIFY(manual->emitNote("while paused", duringPause));
        QVERIFY(!recorder.addNote(QStringLiteral("typed while paused"), v1::Note::KIND_UNSPECIFIED,
                                  QStringLiteral("cli"), &error));
        QVERIFY(error.contains(QLatin1String("paused")));
        auto reader = store::Store::open(database.path(), store::Store::Access::ReadOnly, &error);
        QCOMPARE(reader->session(recorder.sessionId(), &error)->state(), v1::Session::STATE_PAUSED);
        QTest::qWait(5);
        QVERIFY(recorder.setPaused(false, &error));
        QVERIFY(manual->emitNote("after", now()));
        QVERIFY(manual->emitNote("late record from the pause", duringPause)); // dropped by its time
        QVERIFY(recorder.writer()->flush(&error));

        QStringList stored;
        reader->readEvents(
            recorder.sessionId(), 0, -1,
            [&](const store::StoredEvent& event) {
                stored.append(event.event.has_marker()
                                  ? QString::fromStdString(v1::Marker::Kind_Name(event.event.marker().kind()))
                                  : QString::fromStdString(event.event.note().text()));
                return true;
            },
            &error);
        QCOMPARE(stored, (QStringList{QStringLiteral("before"), QStringLiteral("KIND_PAUSE"),
                                      QStringLiteral("KIND_RESUME"), QStringLiteral("after")}));
        QCOMPARE(reader->session(recorder.sessionId(), &error)->state(), v1::Session::STATE_RECORDING);
        QVERIFY(recorder.stop(&error));
    }

    void parsesNoteKinds_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kind");
        QTest::newRow("none") << QString() << int(v1::Note::KIND_UNSPECIFIED);
        QTest::newRow("goal") << QStringLiteral("goal") << int(v1::Note::KIND_GOAL);
        QTest::newRow("plan") << QStringLiteral("plan") << int(v1::Note::KIND_PLAN);
        QTest::newRow("think") << QStringLiteral("think") << int(v1::Note::KIND_THINK_ALOUD);
        QTest::newRow("reflection") << QStringLiteral("reflection") << int(v1::Note::KIND_REFLECTION);
        QTest::newRow("unknown") << QStringLiteral("rant") << -1;
    }

    void parsesNoteKinds()
    {
        QFETCH(QString, name);
        QFETCH(int, kind);
        const auto parsed = store::vocabulary::parseNoteKind(name);
        QCOMPARE(parsed ? int(*parsed) : -1, kind);
    }
};

QTEST_GUILESS_MAIN(TestRecorder)
#include "TestRecorder.moc"
