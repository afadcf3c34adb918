#include "SessionScript.h"
#include "TestSupport.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QDir>
#include <QFileInfo>
#include <QTest>

#include <sqlite3.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace trailmark;

class TestStore final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void createsPrivateFileInPrivateDirectory();
    void newDatabaseIsWalAtCurrentSchema();
    void readOnlyNeverCreates();
    void creatorsAtOnceShareOneWholeFile();
    void sessionRoundTrip();
    void sessionSummariesCountEventsNewestFirst();
    void resolvesUniquePrefixes();
    void annotationsRoundTrip();
    void annotationNeedsAKnownSession();
    void blobsAreStoredOncePerContent();
    void dataSurvivesReopen();
    void eventsReadAsTheirOwnPayloadSays();
};

void TestStore::createsPrivateFileInPrivateDirectory()
{
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    QCOMPARE(test::modeOf(database.path()), 0600);
    QCOMPARE(test::modeOf(QFileInfo(database.path()).path()), 0700);
    // WAL side files inherit the database's mode.
    QString error;
    v1::Session session;
    QVERIFY2(store->createSession(session, &error), qPrintable(error));
    QCOMPARE(test::modeOf(database.path() + QStringLiteral("-wal")), 0600);
    QCOMPARE(test::modeOf(database.path() + QStringLiteral("-shm")), 0600);
}

void TestStore::newDatabaseIsWalAtCurrentSchema()
{
    test::TempDatabase database;
    QVERIFY(database.open());
    // Ask SQLite itself, through a connection that is not ours.
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open_v2(QFile::encodeName(database.path()).constData(), &db, SQLITE_OPEN_READONLY, nullptr),
             SQLITE_OK);
    const auto pragma = [db](const char* sql) {
        sqlite3_stmt* statement = nullptr;
        sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
        sqlite3_step(statement);
        const QByteArray value(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
        sqlite3_finalize(statement);
        return value;
    };
    QCOMPARE(pragma("PRAGMA journal_mode"), QByteArray("wal"));
    QCOMPARE(pragma("PRAGMA user_version").toInt(), store::Store::kSchemaVersion);
    QCOMPARE(pragma("PRAGMA application_id").toInt(), store::Store::kApplicationId);
    sqlite3_close(db);
}

void TestStore::creatorsAtOnceShareOneWholeFile()
{
    // Eight connections create the same new database at once (a recorder, `note`, the
    // GUI): each file is made aside and linked into place, so all of them end up in the
    // one file, and nothing half made is left behind.
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("new.db"));
    constexpr int kCreators = 8;
    std::vector<std::thread> creators;
    std::atomic<int> failures{0};
    for (int i = 0; i < kCreators; ++i) {
        creators.emplace_back([&path, &failures, i] {
            QString error;
            auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
            v1::Session session;
            session.set_task("creator " + std::to_string(i));
            if (!store || !store->createSession(session, &error)) {
                qWarning("creator %d: %s", i, qPrintable(error));
                ++failures;
            }
        });
    }
    for (auto& creator : creators)
        creator.join();
    QCOMPARE(failures.load(), 0);
    QString error;
    auto store = store::Store::open(path, store::Store::Access::ReadOnly, &error);
    QVERIFY2(store, qPrintable(error));
    const auto sessions = store->sessionSummaries(&error);
    QVERIFY2(sessions, qPrintable(error));
    QCOMPARE(sessions->size(), kCreators);
    const QStringList left = QDir(directory.path()).entryList(QDir::Files);
    for (const QString& name : left)
        QVERIFY2(!name.contains(QLatin1String(".new-")), qPrintable(left.join(u' ')));
    QCOMPARE(QFileInfo(path).permissions() & (QFileDevice::ReadGroup | QFileDevice::ReadOther),
             QFileDevice::Permissions());
}

void TestStore::readOnlyNeverCreates()
{
    QTemporaryDir directory;
    const QString path = directory.filePath(QStringLiteral("missing.db"));
    QString error;
    QVERIFY(!store::Store::open(path, store::Store::Access::ReadOnly, &error));
    QVERIFY(error.contains(path));
    QVERIFY(!QFileInfo::exists(path));
}

void TestStore::sessionRoundTrip()
{
    test::TempDatabase database;
    auto store = database.open();
    test::ManualClock clock;
    store->setClock(&clock);
    v1::Session session;
    session.set_task("fix the flaky CI job");
    session.add_tags("ci");
    QString error;
    QVERIFY2(store->createSession(session, &error), qPrintable(error));
    QCOMPARE(store::uuid::fromText(QString::fromStdString(session.id())).size(), 16);
    QCOMPARE(session.started_ns(), clock.nowNs());
    QCOMPARE(session.state(), v1::Session::STATE_RECORDING);

    session.set_state(v1::Session::STATE_FINISHED);
    session.set_ended_ns(clock.nowNs() + 5);
    QVERIFY2(store->updateSession(session, &error), qPrintable(error));
    const auto loaded = store->session(QString::fromStdString(session.id()), &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->task(), std::string("fix the flaky CI job"));
    QCOMPARE(loaded->state(), v1::Session::STATE_FINISHED);
    QCOMPARE(loaded->ended_ns(), clock.nowNs() + 5);
    QCOMPARE(loaded->tags_size(), 1);

    v1::Session unknown;
    unknown.set_id(store::uuid::toText(store->newId()).toStdString());
    QVERIFY(!store->updateSession(unknown, &error));
    QVERIFY(error.contains(QString::fromStdString(unknown.id())));
}

void TestStore::sessionSummariesCountEventsNewestFirst()
{
    test::TempDatabase database;
    auto store = database.open();
    test::ManualClock clock;
    store->setClock(&clock);
    const QString older = test::createSession(*store, QStringLiteral("older"));
    clock.advanceMs(1000);
    const QString newer = test::createSession(*store, QStringLiteral("newer"));
    QString error;
    const auto summaries = store->sessionSummaries(&error);
    QVERIFY2(summaries, qPrintable(error));
    QCOMPARE(summaries->size(), 2);
    QCOMPARE(QString::fromStdString(summaries->at(0).session.id()), newer);
    QCOMPARE(QString::fromStdString(summaries->at(1).session.id()), older);
    QCOMPARE(summaries->at(0).eventCount, 0);
}

void TestStore::resolvesUniquePrefixes()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString id = test::createSession(*store, QStringLiteral("a"));
    QString error;
    QCOMPARE(store->resolveSessionId(id, &error).value_or(QString()), id);
    QCOMPARE(store->resolveSessionId(id.left(13).toUpper(), &error).value_or(QString()), id);
    QVERIFY(!store->resolveSessionId(id.left(3), &error));
    QVERIFY(error.contains(QLatin1String("too short")));
    QVERIFY(!store->resolveSessionId(QStringLiteral("ffffffff"), &error));
    QVERIFY(error.contains(QLatin1String("no session")));

    // Two sessions created in the same millisecond share their first 12 hex digits.
    test::ManualClock clock;
    store->setClock(&clock);
    const QString first = test::createSession(*store, QStringLiteral("b"));
    const QString second = test::createSession(*store, QStringLiteral("c"));
    QCOMPARE(first.left(13), second.left(13));
    QVERIFY(!store->resolveSessionId(first.left(13), &error));
    QVERIFY(error.contains(QLatin1String("ambiguous")));
}

void TestStore::annotationsRoundTrip()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("review me"));
    v1::Annotation annotation;
    annotation.set_session_id(session.toStdString());
    annotation.set_target_id(session.toStdString());
    annotation.set_reviewer("ada");
    annotation.set_rating(-1);
    annotation.set_has_rating(true);
    annotation.add_labels("wrong-tool");
    annotation.set_verdict(v1::Annotation::VERDICT_NEEDS_WORK);
    QString error;
    QVERIFY2(store->addAnnotation(annotation, &error), qPrintable(error));
    QVERIFY(!annotation.id().empty());
    const auto loaded = store->annotations(session, &error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->size(), 1);
    QCOMPARE(loaded->first().rating(), -1);
    QCOMPARE(loaded->first().reviewer(), std::string("ada"));
    QCOMPARE(loaded->first().verdict(), v1::Annotation::VERDICT_NEEDS_WORK);
}

void TestStore::annotationNeedsAKnownSession()
{
    test::TempDatabase database;
    auto store = database.open();
    v1::Annotation annotation;
    const QString stray = store::uuid::toText(store->newId());
    annotation.set_session_id(stray.toStdString());
    annotation.set_target_id(stray.toStdString());
    QString error;
    QVERIFY(!store->addAnnotation(annotation, &error));
    QVERIFY(error.contains(stray));
}

void TestStore::blobsAreStoredOncePerContent()
{
    test::TempDatabase database;
    auto store = database.open();
    QString error;
    const QByteArray png("\x89PNG fake image bytes", 21);
    const auto first = store->putBlob(png, QStringLiteral("image/png"), &error);
    const auto second = store->putBlob(png, QStringLiteral("image/png"), &error);
    QVERIFY2(first && second, qPrintable(error));
    QCOMPARE(*first, *second);
    QCOMPARE(first->size(), 32);
    QCOMPARE(store->blob(*first, &error).value_or(QByteArray()), png);
    QVERIFY(!store->blob(QByteArray(32, 'x'), &error));
}

void TestStore::dataSurvivesReopen()
{
    test::TempDatabase database;
    QString id;
    {
        auto store = database.open();
        id = test::createSession(*store, QStringLiteral("persist"));
    }
    auto store = database.open();
    QString error;
    QVERIFY2(store->session(id, &error), qPrintable(error));
}

void TestStore::eventsReadAsTheirOwnPayloadSays()
{
    // A read reuses the body of the row before for the next row of its kind: no field of
    // one row may show in the next. Every event read must be exactly its payload parsed
    // afresh, across kinds, commands with and without output, exit codes and signals,
    // and a row whose payload is garbage in between.
    test::TempDatabase database;
    auto store = database.open();
    QVERIFY(store);
    const test::MessySession messy = test::createMessySession(*store);
    const QString sessionId = messy.sessionId;
    {
        test::SessionScript script(*store, sessionId, 1'767'300'000'000'000'000);
        script.command("make -j4", 2, "src/parse.c:12: error: expected ';'\n", QStringLiteral("shell-A"), 900, 0);
        script.command("true", 0);
        script.command("sleep 100", 130, {}, QStringLiteral("shell-B"), 4000, 2);
        script.startCommand("cat");
        script.appSwitch(QStringLiteral("Gvim"), QStringLiteral("parse.c (~/src) - GVIM"));
        script.appSwitch(QStringLiteral("XTerm"), QString());
        script.note(QStringLiteral("the semicolon was missing"));
        script.command("make -j4", 0);
        QVERIFY(script.flush());
    }
    QString error;
    std::vector<std::pair<qint64, std::string>> payloads;
    QVERIFY2(store->readEventRows(
                 sessionId, 0, -1,
                 [&](const store::Store::EventRow& row) {
                     payloads.emplace_back(row.seq, std::string(row.payload));
                     return true;
                 },
                 &error),
             qPrintable(error));
    QVERIFY(payloads.size() > 25);
    // Garbage in the middle of the session, as a damaged file holds it.
    const qint64 damagedSeq = payloads[payloads.size() / 2].first;
    {
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(database.path()).constData(), &db), SQLITE_OK);
        const std::string sql = "UPDATE events SET payload = x'0aff01ffff' WHERE seq = " + std::to_string(damagedSeq);
        QCOMPARE(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        sqlite3_close(db);
    }
    size_t index = 0;
    int compared = 0;
    QVERIFY2(store->readEvents(
                 sessionId, 0, -1,
                 [&](const store::StoredEvent& stored) {
                     const auto& [seq, payload] = payloads[index++];
                     if (seq == damagedSeq) {
                         if (stored.isReadable() || stored.event.body_case() != v1::Event::BODY_NOT_SET)
                             qWarning("seq %lld: garbage read as an event", static_cast<long long>(seq));
                         return !stored.isReadable();
                     }
                     v1::Event fresh;
                     if (!stored.isReadable() || !fresh.ParseFromString(payload))
                         return false;
                     fresh.set_id(stored.event.id());
                     fresh.set_session_id(stored.event.session_id());
                     fresh.set_seq(stored.event.seq());
                     fresh.set_time_ns(stored.event.time_ns());
                     if (fresh.SerializeAsString() != stored.event.SerializeAsString()) {
                         qWarning("seq %lld read as %s, its payload says %s", static_cast<long long>(seq),
                                  stored.event.ShortDebugString().c_str(), fresh.ShortDebugString().c_str());
                         return false;
                     }
                     ++compared;
                     return true;
                 },
                 &error),
             qPrintable(error));
    QCOMPARE(index, payloads.size());
    QCOMPARE(compared, static_cast<int>(payloads.size()) - 1);
}

QTEST_GUILESS_MAIN(TestStore)
#include "TestStore.moc"
