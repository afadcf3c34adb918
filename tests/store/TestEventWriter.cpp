#include "TestSupport.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QFile>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

#include <sqlite3.h>

using namespace trailmark;

namespace {

v1::Event commandEvent(const QString& sessionId, const std::string& command)
{
    v1::Event event;
    event.set_session_id(sessionId.toStdString());
    auto* started = event.mutable_command_started();
    started->set_command(command);
    started->set_cwd("/home/ada/project");
    started->set_shell("bash");
    return event;
}

QList<store::StoredEvent> readAll(store::Store& store, const QString& sessionId)
{
    QList<store::StoredEvent> events;
    QString error;
    const bool ok = store.readEvents(
        sessionId, 0, -1,
        [&](const store::StoredEvent& stored) {
            events.append(stored);
            return true;
        },
        &error);
    if (!ok)
        qWarning("%s", qPrintable(error));
    return events;
}

qint64 countFromOtherConnection(const QString& path)
{
    QString error;
    auto other = store::Store::open(path, store::Store::Access::ReadOnly, &error);
    if (!other)
        return -1;
    const auto summaries = other->sessionSummaries(&error);
    qint64 total = 0;
    for (const auto& summary : *summaries)
        total += summary.eventCount;
    return total;
}

} // namespace

class TestEventWriter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fillsEnvelopeAndStoresOnlyTheBody();
    void seqIsGaplessPerSessionAcrossBatchesAndReopen();
    void commitsWhenTheBatchIsOlderThanItsAge();
    void timerCommitsWhenEventsStopFlowing();
    void uncommittedEventsAreInvisibleToReaders();
    void ingestPositionCommitsWithItsEvents();
    void twoWritersOnOneFileKeepSeqGapless();
    void refusesEventsWithoutBodyOrSession();
    void preservesArbitraryBytes();
    void keptBatchWaitsForSpaceAndKeepsItsOrder();
    void eventWaitsWhileAnotherWriterHoldsTheLock();
};

void TestEventWriter::fillsEnvelopeAndStoresOnlyTheBody()
{
    test::TempDatabase database;
    auto store = database.open();
    test::ManualClock clock;
    store->setClock(&clock);
    const QString session = test::createSession(*store, QStringLiteral("t"));
    store::EventWriter writer(*store);
    v1::Event event = commandEvent(session, "make test");
    QString error;
    QVERIFY2(writer.append(event, &error), qPrintable(error));
    QVERIFY2(writer.flush(&error), qPrintable(error));
    QCOMPARE(event.seq(), 0);
    QCOMPARE(event.time_ns(), clock.nowNs());
    QCOMPARE(QString::fromStdString(event.session_id()), session);
    QCOMPARE(store::uuid::fromText(QString::fromStdString(event.id())).size(), 16);

    const auto events = readAll(*store, session);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().event.id(), event.id());
    QCOMPARE(events.first().event.command_started().command(), std::string("make test"));
    QCOMPARE(events.first().event.time_ns(), clock.nowNs());

    // The payload on disk carries no envelope: the columns are the single source.
    store::SqliteStatement select(store->handle(), "SELECT payload FROM events");
    QVERIFY(select.step());
    v1::Event payload;
    const std::string_view bytes = select.columnBytes(0);
    QVERIFY(payload.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())));
    QVERIFY(payload.id().empty());
    QVERIFY(payload.session_id().empty());
    QCOMPARE(payload.time_ns(), 0);
    QVERIFY(payload.has_command_started());
}

void TestEventWriter::seqIsGaplessPerSessionAcrossBatchesAndReopen()
{
    test::TempDatabase database;
    QString first;
    QString second;
    {
        auto store = database.open();
        first = test::createSession(*store, QStringLiteral("a"));
        second = test::createSession(*store, QStringLiteral("b"));
        store::EventWriter writer(*store);
        writer.setMaxBatchSize(7); // several commits on the way
        QString error;
        for (int i = 0; i < 50; ++i) {
            v1::Event event = commandEvent(i % 3 == 0 ? second : first, "echo " + std::to_string(i));
            QVERIFY2(writer.append(event, &error), qPrintable(error));
        }
    } // the destructor commits the rest
    auto store = database.open();
    store::EventWriter writer(*store);
    QString error;
    v1::Event event = commandEvent(first, "after reopen");
    QVERIFY2(writer.append(event, &error), qPrintable(error));
    QVERIFY(writer.flush(&error));
    for (const QString& session : {first, second}) {
        const auto events = readAll(*store, session);
        for (qsizetype i = 0; i < events.size(); ++i)
            QCOMPARE(events.at(i).event.seq(), i);
    }
    QCOMPARE(readAll(*store, first).size(), 34);
    QCOMPARE(readAll(*store, second).size(), 17);
    QCOMPARE(readAll(*store, first).last().event.command_started().command(), std::string("after reopen"));
}

void TestEventWriter::commitsWhenTheBatchIsOlderThanItsAge()
{
    test::TempDatabase database;
    auto store = database.open();
    test::ManualClock clock;
    store->setClock(&clock);
    const QString session = test::createSession(*store, QStringLiteral("t"));
    store::EventWriter writer(*store);
    QSignalSpy committed(&writer, &store::EventWriter::committed);
    QString error;
    for (int i = 0; i < 3; ++i) {
        v1::Event event = commandEvent(session, "ls");
        QVERIFY(writer.append(event, &error));
        clock.advanceMs(100);
    }
    // 0, 100, 200 ms: still one open batch; the fourth append at 300 ms commits it.
    QCOMPARE(committed.count(), 0);
    QCOMPARE(countFromOtherConnection(database.path()), 0);
    v1::Event event = commandEvent(session, "ls");
    QVERIFY(writer.append(event, &error));
    QCOMPARE(committed.count(), 1);
    QCOMPARE(committed.first().first().toLongLong(), 4);
    QCOMPARE(countFromOtherConnection(database.path()), 4);
}

void TestEventWriter::timerCommitsWhenEventsStopFlowing()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    store::EventWriter writer(*store);
    QSignalSpy committed(&writer, &store::EventWriter::committed);
    QString error;
    v1::Event event = commandEvent(session, "ls");
    QVERIFY(writer.append(event, &error));
    QCOMPARE(writer.pendingEvents(), 1);
    QVERIFY(committed.wait(1000));
    QCOMPARE(writer.pendingEvents(), 0);
    QCOMPARE(countFromOtherConnection(database.path()), 1);
}

void TestEventWriter::uncommittedEventsAreInvisibleToReaders()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    store::EventWriter writer(*store);
    writer.setMaxBatchAge(std::chrono::hours(1));
    QString error;
    for (int i = 0; i < 10; ++i) {
        v1::Event event = commandEvent(session, "ls");
        QVERIFY(writer.append(event, &error));
    }
    QCOMPARE(countFromOtherConnection(database.path()), 0);
    QVERIFY(writer.flush(&error));
    QCOMPARE(countFromOtherConnection(database.path()), 10);
}

void TestEventWriter::ingestPositionCommitsWithItsEvents()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    const QString source = QStringLiteral("spool:bash-123");
    QString error;
    {
        store::EventWriter writer(*store);
        v1::Event event = commandEvent(session, "ls");
        QVERIFY(writer.append(event, &error));
        QVERIFY(writer.setIngestPosition(source, 120, &error));
        QCOMPARE(store->ingestPosition(source, &error).value_or(-1), 120); // same connection sees it
        QVERIFY(writer.flush(&error));
    }
    QString readError;
    auto reader = store::Store::open(database.path(), store::Store::Access::ReadOnly, &readError);
    QCOMPARE(reader->ingestPosition(source, &readError).value_or(-1), 120);
    QCOMPARE(reader->ingestPosition(QStringLiteral("never"), &readError).value_or(-1), 0);

    // A batch that never commits (the process dies) loses its events and its position
    // together: re-ingest resumes exactly where the committed events end.
    {
        store::EventWriter writer(*store);
        v1::Event event = commandEvent(session, "lost");
        QVERIFY(writer.append(event, &error));
        QVERIFY(writer.setIngestPosition(source, 999, &error));
        store::sqliteExec(store->handle(), "ROLLBACK", nullptr); // what a crash amounts to
    }
    QCOMPARE(reader->ingestPosition(source, &readError).value_or(-1), 120);
    QCOMPARE(readAll(*reader, session).size(), 1);
}

void TestEventWriter::twoWritersOnOneFileKeepSeqGapless()
{
    test::TempDatabase database;
    auto firstStore = database.open();
    auto secondStore = database.open();
    const QString session = test::createSession(*firstStore, QStringLiteral("shared"));
    store::EventWriter firstWriter(*firstStore);
    store::EventWriter secondWriter(*secondStore);
    QString error;
    for (int i = 0; i < 20; ++i) {
        store::EventWriter& writer = i % 2 == 0 ? firstWriter : secondWriter;
        v1::Event event = commandEvent(session, "echo " + std::to_string(i));
        QVERIFY2(writer.append(event, &error), qPrintable(error));
        QVERIFY2(writer.flush(&error), qPrintable(error)); // release the write lock
    }
    const auto events = readAll(*firstStore, session);
    QCOMPARE(events.size(), 20);
    for (qsizetype i = 0; i < events.size(); ++i) {
        QCOMPARE(events.at(i).event.seq(), i);
        QCOMPARE(events.at(i).event.command_started().command(), "echo " + std::to_string(i));
    }
}

void TestEventWriter::refusesEventsWithoutBodyOrSession()
{
    test::TempDatabase database;
    auto store = database.open();
    store::EventWriter writer(*store);
    QString error;
    v1::Event empty;
    empty.set_session_id(test::createSession(*store, QStringLiteral("t")).toStdString());
    QVERIFY(!writer.append(empty, &error));
    QVERIFY(error.contains(QLatin1String("body")));
    v1::Event orphan = commandEvent(store::uuid::toText(store->newId()), "ls");
    QVERIFY(!writer.append(orphan, &error));
    QVERIFY(error.contains(QLatin1String("no session")));
}

void TestEventWriter::preservesArbitraryBytes()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    std::string command = "printf 'a\\tb'\necho \"q\" \\\\ ";
    command += std::string("\xff\xfe\x00\x80 end", 9);
    command += std::string(1 << 20, 'x'); // 1 MiB
    store::EventWriter writer(*store);
    QString error;
    v1::Event event = commandEvent(session, command);
    QVERIFY(writer.append(event, &error));
    QVERIFY(writer.flush(&error));
    const auto events = readAll(*store, session);
    QCOMPARE(events.size(), 1);
    QVERIFY(events.first().event.command_started().command() == command);
}

// Another process (an import, say) holds the write lock past the busy timeout: the
// live writer keeps the event in memory with its id and time, refuses to store anything
// ahead of it, and stores it in its place once the lock is free. Without keeping (bulk
// writers), the append just fails.
void TestEventWriter::eventWaitsWhileAnotherWriterHoldsTheLock()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    sqlite3_busy_timeout(store->handle(), 20);
    sqlite3* other = nullptr;
    QCOMPARE(sqlite3_open_v2(QFile::encodeName(database.path()).constData(), &other, SQLITE_OPEN_READWRITE, nullptr),
             SQLITE_OK);
    const auto closeOther = qScopeGuard([other] { sqlite3_close(other); });
    QString error;
    for (const bool keep : {false, true}) {
        store::EventWriter writer(*store);
        writer.setKeepFailedBatches(keep);
        QSignalSpy failed(&writer, &store::EventWriter::writeFailed);
        v1::Event before = commandEvent(session, "before");
        QVERIFY2(writer.append(before, &error), qPrintable(error));
        QVERIFY2(writer.flush(&error), qPrintable(error));

        QVERIFY(store::sqliteExec(other, "BEGIN IMMEDIATE", nullptr));
        v1::Event blocked = commandEvent(session, "while locked");
        QVERIFY(!writer.append(blocked, &error));
        QVERIFY2(error.contains(QLatin1String("locked")), qPrintable(error));
        if (!keep) {
            QCOMPARE(writer.unwrittenEvents(), 0);
            QCOMPARE(failed.size(), 0);
            QVERIFY(store::sqliteExec(other, "ROLLBACK", nullptr));
            continue;
        }
        QCOMPARE(failed.size(), 1);
        QCOMPARE(writer.unwrittenEvents(), 1);
        v1::Event late = commandEvent(session, "late");
        QVERIFY(!writer.append(late, &error));
        QVERIFY2(error.contains(QLatin1String("waiting")), qPrintable(error));
        QVERIFY(!writer.writeUnwritten(&error)); // still locked
        QCOMPARE(writer.unwrittenEvents(), 1);

        QVERIFY(store::sqliteExec(other, "ROLLBACK", nullptr));
        QVERIFY2(writer.writeUnwritten(&error), qPrintable(error));
        QVERIFY2(writer.append(late, &error), qPrintable(error));
        QVERIFY2(writer.flush(&error), qPrintable(error));
        const QList<store::StoredEvent> events = readAll(*store, session);
        QCOMPARE(events.size(), 3 + 1); // + the first round's "before"
        const store::StoredEvent& waited = events.at(2);
        QCOMPARE(waited.event.seq(), 2);
        QCOMPARE(waited.event.id(), blocked.id());
        QCOMPARE(waited.event.time_ns(), blocked.time_ns());
        QCOMPARE(waited.event.command_started().command(), std::string("while locked"));
        QCOMPARE(events.at(3).event.command_started().command(), std::string("late"));
    }
}

QTEST_GUILESS_MAIN(TestEventWriter)
// A batch that meets a full disk waits in memory when asked to: nothing may be stored
// ahead of it, and once there is room it lands with its ids, its order, gapless seq
// numbers and its ingest position. Without keeping, the batch is simply rolled back.
void TestEventWriter::keptBatchWaitsForSpaceAndKeepsItsOrder()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("t"));
    QString error;
    QVERIFY(store::sqliteExec(store->handle(), "PRAGMA max_page_count=1", nullptr)); // clamps to the current size
    const std::string padding(2000, 'x');
    for (const bool keep : {false, true}) {
        store::EventWriter writer(*store);
        writer.setKeepFailedBatches(keep);
        QSignalSpy failed(&writer, &store::EventWriter::writeFailed);
        QStringList ids;
        bool stored = true;
        for (int i = 0; i < 200 && stored; ++i) {
            v1::Event event = commandEvent(session, "cmd-" + std::to_string(i) + padding);
            stored = writer.append(event, &error) && writer.setIngestPosition(QStringLiteral("spool"), i, &error);
            if (stored || keep)
                ids.append(QString::fromStdString(event.id()));
        }
        QVERIFY(!stored);
        QVERIFY2(error.contains(QLatin1String("full")), qPrintable(error));
        QCOMPARE(failed.size(), 1);
        QCOMPARE(readAll(*store, session).size(), 0);
        if (!keep) {
            QCOMPARE(writer.unwrittenEvents(), 0);
            continue;
        }
        QCOMPARE(writer.unwrittenEvents(), ids.size());
        v1::Event late = commandEvent(session, "late");
        QVERIFY(!writer.append(late, &error));
        QVERIFY2(error.contains(QLatin1String("waiting")), qPrintable(error));
        QVERIFY(!writer.writeUnwritten(&error)); // still full
        QCOMPARE(writer.unwrittenEvents(), ids.size());

        QVERIFY(store::sqliteExec(store->handle(), "PRAGMA max_page_count=100000", nullptr));
        QVERIFY2(writer.writeUnwritten(&error), qPrintable(error));
        QCOMPARE(writer.unwrittenEvents(), 0);
        const QList<store::StoredEvent> events = readAll(*store, session);
        QCOMPARE(events.size(), ids.size());
        for (qsizetype i = 0; i < events.size(); ++i) {
            QCOMPARE(events[i].event.seq(), i);
            QCOMPARE(QString::fromStdString(events[i].event.id()), ids[i]);
            QCOMPARE(events[i].event.command_started().command(), "cmd-" + std::to_string(i) + padding);
        }
        // The position of the last kept event (the failing append came before its own).
        QCOMPARE(store->ingestPosition(QStringLiteral("spool"), &error).value_or(-1), ids.size() - 2);
        QVERIFY(writer.append(late, &error));
        QVERIFY(writer.flush(&error));
        QCOMPARE(readAll(*store, session).size(), ids.size() + 1);
    }
}

#include "TestEventWriter.moc"
