// The import ledger on a real database file: what it finds after a record, that keys
// are told apart by time and hash, that a key committed with its batch survives a
// reopen (so a re-import skips it) and one rolled back with its batch does not.
#include "TestSupport.h"
#include "store/EventWriter.h"
#include "store/ImportLedger.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QTest>

#include <limits>

using namespace trailmark;

namespace {

qint64 rowOf(store::Store& store, const QString& sessionId)
{
    QString error;
    const auto row = store.sessionRow(store::uuid::fromText(sessionId), &error);
    if (!row)
        qWarning("%s", qPrintable(error));
    return row.value_or(-1);
}

} // namespace

class TestImportLedger final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysRoundTrip_data();
    void keysRoundTrip();
    void keysDifferingInTimeOrHashAreDistinct();
    void recordingAgainRepointsTheKey();
    void keyCommittedWithItsBatchSurvivesAReopen();
    void keyRolledBackWithItsBatchIsForgotten();
    void sessionAtTellsAGoneSessionFromAnError();
};

void TestImportLedger::keysRoundTrip_data()
{
    QTest::addColumn<qint64>("timeNs");
    QTest::addColumn<qint64>("hash");
    QTest::newRow("timed") << qint64(1'700'000'000'000'000'000) << qint64(0x1234'5678'9abc'def0);
    QTest::newRow("untimed (-1)") << qint64(-1) << qint64(42);
    QTest::newRow("negative hash") << qint64(0) << qint64(-7);
    QTest::newRow("extremes") << std::numeric_limits<qint64>::max() << std::numeric_limits<qint64>::min();
}

void TestImportLedger::keysRoundTrip()
{
    QFETCH(qint64, timeNs);
    QFETCH(qint64, hash);
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const qint64 row = rowOf(*store, test::createSession(*store, QStringLiteral("import")));
    store::ImportLedger ledger(*store);
    QString error;
    QVERIFY2(ledger.isReady(&error), qPrintable(error));

    std::optional<qint64> found = 99;
    QVERIFY2(ledger.find({timeNs, hash}, &found, &error), qPrintable(error));
    QVERIFY(!found);
    QVERIFY2(ledger.record({timeNs, hash}, row, &error), qPrintable(error));
    QVERIFY2(ledger.find({timeNs, hash}, &found, &error), qPrintable(error));
    QCOMPARE(found, std::optional<qint64>(row));
}

void TestImportLedger::keysDifferingInTimeOrHashAreDistinct()
{
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const qint64 first = rowOf(*store, test::createSession(*store, QStringLiteral("a")));
    const qint64 second = rowOf(*store, test::createSession(*store, QStringLiteral("b")));
    store::ImportLedger ledger(*store);
    QString error;
    QVERIFY(ledger.record({100, 5}, first, &error));
    QVERIFY(ledger.record({101, 5}, second, &error));
    std::optional<qint64> found;
    QVERIFY(ledger.find({100, 5}, &found, &error));
    QCOMPARE(found, std::optional<qint64>(first));
    QVERIFY(ledger.find({101, 5}, &found, &error));
    QCOMPARE(found, std::optional<qint64>(second));
    QVERIFY(ledger.find({100, 6}, &found, &error));
    QVERIFY(!found);
}

void TestImportLedger::recordingAgainRepointsTheKey()
{
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const qint64 deleted = rowOf(*store, test::createSession(*store, QStringLiteral("old")));
    const qint64 replacement = rowOf(*store, test::createSession(*store, QStringLiteral("new")));
    store::ImportLedger ledger(*store);
    QString error;
    QVERIFY(ledger.record({0, 77}, deleted, &error));
    QVERIFY2(ledger.record({0, 77}, replacement, &error), qPrintable(error));
    std::optional<qint64> found;
    QVERIFY(ledger.find({0, 77}, &found, &error));
    QCOMPARE(found, std::optional<qint64>(replacement));
}

void TestImportLedger::keyCommittedWithItsBatchSurvivesAReopen()
{
    test::TempDatabase database;
    qint64 row = -1;
    {
        auto store = database.open();
        QVERIFY(store);
        row = rowOf(*store, test::createSession(*store, QStringLiteral("import")));
        store::EventWriter writer(*store);
        store::ImportLedger ledger(*store);
        QString error;
        QVERIFY(writer.beginBatch(&error));
        QVERIFY(ledger.record({1, 2}, row, &error));
        QVERIFY2(writer.flush(&error), qPrintable(error));
    }
    auto store = database.open();
    QVERIFY(store);
    store::ImportLedger ledger(*store);
    std::optional<qint64> found;
    QString error;
    QVERIFY(ledger.find({1, 2}, &found, &error));
    QCOMPARE(found, std::optional<qint64>(row));
}

void TestImportLedger::keyRolledBackWithItsBatchIsForgotten()
{
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const qint64 row = rowOf(*store, test::createSession(*store, QStringLiteral("import")));
    store::EventWriter writer(*store);
    store::ImportLedger ledger(*store);
    QString error;
    QVERIFY(writer.beginBatch(&error));
    QVERIFY(ledger.record({3, 4}, row, &error));
    QVERIFY(store::sqliteExec(store->handle(), "ROLLBACK", nullptr)); // what a crash before the commit amounts to
    std::optional<qint64> found;
    QVERIFY(ledger.find({3, 4}, &found, &error));
    QVERIFY(!found);
}

void TestImportLedger::sessionAtTellsAGoneSessionFromAnError()
{
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const QString id = test::createSession(*store, QStringLiteral("import"));
    const qint64 row = rowOf(*store, id);
    store::ImportLedger ledger(*store);
    QString error;
    std::optional<QString> sessionId;
    QVERIFY2(ledger.sessionAt(row, &sessionId, &error), qPrintable(error));
    QCOMPARE(sessionId, std::optional<QString>(id));

    QVERIFY(store::sqliteExec(store->handle(), "DELETE FROM sessions", nullptr));
    QVERIFY2(ledger.sessionAt(row, &sessionId, &error), qPrintable(error));
    QVERIFY(!sessionId);
}

QTEST_GUILESS_MAIN(TestImportLedger)
#include "TestImportLedger.moc"
