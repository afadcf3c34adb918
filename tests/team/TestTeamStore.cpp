// The team store against a real PostgreSQL 15 server started by the test: set-up and
// migrations, pushes that store every event once (repeated, concurrent, killed, cut off
// by a server restart), the roles as PostgreSQL itself enforces them on what was pushed,
// and a server that cannot be reached.

#include "PgServer.h"
#include "SessionScript.h"
#include "TeamStoreFixture.h"
#include "TestSupport.h"
#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <csignal>

using namespace trailmark;

class TestTeamStore final : public TeamStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initIsVersionedAndRefusesANewerSchema();
    void pushStoresEverythingOnceAndByteForByte();
    void killedPushResumes();
    void pushSurvivesAServerRestart();
    void rolesAreEnforcedByTheServer();
    void unreachableServerIsAClearError();
};

void TestTeamStore::initIsVersionedAndRefusesANewerSchema()
{
    Result again = trailmark({QStringLiteral("team"), QStringLiteral("init")}, QStringLiteral("owner"));
    QVERIFY2(again.exitCode == 0 && again.out.contains(QStringLiteral("up to date")), qPrintable(again.out));
    QCOMPARE(count(QStringLiteral("SELECT value::bigint FROM trailmark.meta WHERE key = 'schema_version'")),
             team::schema::kVersion);

    QString error;
    QVERIFY2(
        m_server.sql(QStringLiteral("UPDATE trailmark.meta SET value = '99' WHERE key = 'schema_version'"), &error),
        qPrintable(error));
    const Result sessions = trailmark({QStringLiteral("team"), QStringLiteral("sessions")}, QStringLiteral("alice"));
    QCOMPARE(sessions.exitCode, 1);
    QVERIFY2(sessions.err.contains(QStringLiteral("schema version 99, newer than this Trailmark knows (2)")),
             qPrintable(sessions.err));
    const Result init = trailmark({QStringLiteral("team"), QStringLiteral("init")}, QStringLiteral("owner"));
    QCOMPARE(init.exitCode, 1);
    QVERIFY2(init.err.contains(QStringLiteral("upgrade Trailmark")), qPrintable(init.err));
    // An older schema is named, with what migrates it.
    QVERIFY2(m_server.sql(QStringLiteral("UPDATE trailmark.meta SET value = '1' WHERE key = 'schema_version'"), &error),
             qPrintable(error));
    const Result older = trailmark({QStringLiteral("team"), QStringLiteral("sessions")}, QStringLiteral("alice"));
    QCOMPARE(older.exitCode, 1);
    QVERIFY2(older.err.contains(QStringLiteral("schema version 1: run `trailmark team init` to migrate")),
             qPrintable(older.err));
    QVERIFY2(m_server.sql(QStringLiteral("UPDATE trailmark.meta SET value = '2' WHERE key = 'schema_version'"), &error),
             qPrintable(error));
    QCOMPARE(trailmark({QStringLiteral("team"), QStringLiteral("sessions")}, QStringLiteral("alice")).exitCode, 0);
}

void TestTeamStore::pushStoresEverythingOnceAndByteForByte()
{
    auto store = m_alice.open();
    const test::MessySession messy = test::createMessySession(*store);
    const QString plain = finishedSession(*store, QStringLiteral("fix the flaky test"), 300);
    QVERIFY(!plain.isEmpty());
    const QString recording = test::createSession(*store, QStringLiteral("still going"));
    const qint64 messyEvents = *store->eventCount(messy.sessionId, nullptr);
    const qint64 plainEvents = *store->eventCount(plain, nullptr);
    const qint64 annotations = store->annotations(messy.sessionId, nullptr)->size();
    QVERIFY(annotations > 0);
    store.reset();

    Result push = trailmark({QStringLiteral("push"), QStringLiteral("--all-finished")}, QStringLiteral("alice"));
    QVERIFY2(push.exitCode == 0, qPrintable(push.err));
    QVERIFY2(push.out.contains(QStringLiteral("%1 events on the team store").arg(plainEvents)), qPrintable(push.out));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.sessions")), 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.events")), messyEvents + plainEvents);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.annotations")), annotations);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.sessions WHERE complete AND expert = 'alice'")), 2);

    // Again: nothing new, nothing twice.
    push = trailmark({QStringLiteral("push"), QStringLiteral("--all-finished")}, QStringLiteral("alice"));
    QVERIFY2(push.exitCode == 0 && push.out.contains(QStringLiteral("already there")), qPrintable(push.out));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.events")), messyEvents + plainEvents);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.annotations")), annotations);

    // An unfinished session is refused by name.
    const Result unfinished = trailmark({QStringLiteral("push"), recording}, QStringLiteral("alice"));
    QCOMPARE(unfinished.exitCode, 1);
    QVERIFY2(unfinished.err.contains(QStringLiteral("is not finished")), qPrintable(unfinished.err));

    // The server holds the same rows byte for byte: ids, order, times, payloads.
    store = m_alice.open();
    QString error;
    auto connection = team::PgConnection::open(m_server.connectionString(), &error);
    QVERIFY2(connection, qPrintable(error));
    const auto rows = connection->query(
        "SELECT id::text, seq, time_ns, kind, payload FROM trailmark.events WHERE session = $1::uuid ORDER BY seq",
        {team::PgParam::text(messy.sessionId)}, &error);
    QVERIFY2(rows, qPrintable(error));
    QCOMPARE(rows->rows(), static_cast<int>(messyEvents));
    int i = 0;
    QVERIFY(store->readEventRows(
        messy.sessionId, 0, -1,
        [&](const store::Store::EventRow& row) {
            const QByteArray payload(row.payload.data(), static_cast<qsizetype>(row.payload.size()));
            if (rows->number(i, 1) != row.seq || rows->number(i, 2) != row.timeNs || rows->number(i, 3) != row.kind ||
                rows->bytes(i, 4) != payload)
                return false;
            ++i;
            return true;
        },
        &error));
    QCOMPARE(i, static_cast<int>(messyEvents));

    const Result listed = trailmark({QStringLiteral("team"), QStringLiteral("sessions"), QStringLiteral("--json")},
                                    QStringLiteral("alice"));
    QVERIFY2(listed.exitCode == 0, qPrintable(listed.err));
    const QJsonObject document = QJsonDocument::fromJson(listed.out.toUtf8()).object();
    QCOMPARE(document.value(QStringLiteral("role")).toString(), QStringLiteral("alice"));
    QCOMPARE(document.value(QStringLiteral("sessions")).toArray().size(), 2);
}

void TestTeamStore::killedPushResumes()
{
    auto store = m_bob.open();
    const QString big = finishedSession(*store, QStringLiteral("a long build"), 40'000, 400);
    QVERIFY(!big.isEmpty());
    const qint64 total = *store->eventCount(big, nullptr);
    store.reset();

    // Killed (SIGKILL: no cleanup at all) once some batches are in.
    QProcess* push = startTrailmark({QStringLiteral("push"), big}, QStringLiteral("bob"), m_bob.path());
    QVERIFY(push->waitForStarted());
    const QString stored = QStringLiteral("SELECT count(*) FROM trailmark.events WHERE session = '%1'").arg(big);
    QTRY_VERIFY_WITH_TIMEOUT(count(stored) > 0, 60'000);
    ::kill(static_cast<pid_t>(push->processId()), SIGKILL);
    push->waitForFinished();
    const qint64 afterKill = count(stored);
    QVERIFY2(afterKill < total, "the push finished before it could be killed: make the session larger");
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.sessions WHERE id = '%1' AND complete").arg(big)), 0);

    const Result resumed = trailmark({QStringLiteral("push"), big}, QStringLiteral("bob"), m_bob.path());
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QCOMPARE(count(stored), total);
    QCOMPARE(count(QStringLiteral("SELECT count(DISTINCT seq) FROM trailmark.events WHERE session = '%1'").arg(big)),
             total);
    QCOMPARE(count(QStringLiteral("SELECT max(seq) + 1 FROM trailmark.events WHERE session = '%1'").arg(big)), total);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.sessions WHERE id = '%1' AND complete").arg(big)), 1);
    // It sent only what was missing.
    QVERIFY2(resumed.out.contains(QStringLiteral("(%1 sent now)").arg(total - afterKill)), qPrintable(resumed.out));
}

void TestTeamStore::pushSurvivesAServerRestart()
{
    test::TempDatabase carol;
    auto store = carol.open();
    const QString big = finishedSession(*store, QStringLiteral("data migration"), 40'000, 400);
    const qint64 total = *store->eventCount(big, nullptr);
    store.reset();
    QProcess* push = startTrailmark({QStringLiteral("push"), big}, QStringLiteral("alice"), carol.path());
    QVERIFY(push->waitForStarted());
    const QString stored = QStringLiteral("SELECT count(*) FROM trailmark.events WHERE session = '%1'").arg(big);
    QTRY_VERIFY_WITH_TIMEOUT(count(stored) > 0, 60'000);
    QString error;
    QVERIFY2(m_server.restart(&error), qPrintable(error));
    QVERIFY(push->waitForFinished(60'000));
    const QString err = QString::fromUtf8(push->readAllStandardError());
    if (push->exitCode() != 0) // it may have finished just before the restart
        QVERIFY2(err.contains(QStringLiteral("run the push again")), qPrintable(err));
    QVERIFY(count(stored) <= total);

    const Result resumed = trailmark({QStringLiteral("push"), big}, QStringLiteral("alice"), carol.path());
    QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    QCOMPARE(count(stored), total);
    QCOMPARE(count(QStringLiteral("SELECT count(DISTINCT id) FROM trailmark.events WHERE session = '%1'").arg(big)),
             total);
}

void TestTeamStore::rolesAreEnforcedByTheServer()
{
    // alice's sessions were pushed above; bob's big one too.
    const qint64 aliceSessions =
        count(QStringLiteral("SELECT count(*) FROM trailmark.sessions WHERE expert = 'alice'"));
    QVERIFY(aliceSessions >= 2);
    const QString aliceSession = QStringLiteral("(SELECT id FROM trailmark.sessions WHERE expert = 'alice' LIMIT 1)");
    QString error;

    // An expert sees only their own sessions, and cannot add to another's.
    const Result bobSees = trailmark({QStringLiteral("team"), QStringLiteral("sessions"), QStringLiteral("--json")},
                                     QStringLiteral("bob"));
    QVERIFY2(bobSees.exitCode == 0, qPrintable(bobSees.err));
    const QJsonArray bobRows =
        QJsonDocument::fromJson(bobSees.out.toUtf8()).object().value(QStringLiteral("sessions")).toArray();
    QCOMPARE(bobRows.size(), 1);
    QCOMPARE(bobRows.first().toObject().value(QStringLiteral("expert")).toString(), QStringLiteral("bob"));
    QVERIFY(!m_server.sql(QStringLiteral("INSERT INTO trailmark.events VALUES (gen_random_uuid(), %1, 999999, 0, 12, "
                                         "'\\x00')")
                              .arg(aliceSession),
                          &error, QStringLiteral("bob")));
    QVERIFY2(error.contains(QStringLiteral("row-level security")), qPrintable(error));
    QVERIFY(
        !m_server.sql(QStringLiteral("INSERT INTO trailmark.sessions (id, expert, started_ns, payload, event_count) "
                                     "VALUES (gen_random_uuid(), 'alice', 0, '', 0)"),
                      &error, QStringLiteral("bob")));
    QVERIFY2(error.contains(QStringLiteral("row-level security")), qPrintable(error));

    // A reviewer sees nothing until assigned, then only that session; never writes events.
    const auto reviewerSees = [this](const QString& role) {
        const Result listed =
            trailmark({QStringLiteral("team"), QStringLiteral("sessions"), QStringLiteral("--json")}, role);
        return QJsonDocument::fromJson(listed.out.toUtf8()).object().value(QStringLiteral("sessions")).toArray().size();
    };
    QCOMPARE(reviewerSees(QStringLiteral("rita")), 0);
    QVERIFY(!m_server.sql(QStringLiteral("INSERT INTO trailmark.assignments SELECT %1, 'rita'").arg(aliceSession),
                          &error, QStringLiteral("rita")));
    QVERIFY2(error.contains(QStringLiteral("permission denied")), qPrintable(error));
    QVERIFY2(m_server.sql(QStringLiteral("INSERT INTO trailmark.assignments SELECT %1, 'rita'").arg(aliceSession),
                          &error, QStringLiteral("adam")),
             qPrintable(error));
    QCOMPARE(reviewerSees(QStringLiteral("rita")), 1);
    QCOMPARE(reviewerSees(QStringLiteral("ravi")), 0);
    QVERIFY(!m_server.sql(QStringLiteral("INSERT INTO trailmark.events VALUES (gen_random_uuid(), %1, 999999, 0, 12, "
                                         "'\\x00')")
                              .arg(aliceSession),
                          &error, QStringLiteral("rita")));
    QVERIFY2(error.contains(QStringLiteral("permission denied")), qPrintable(error));
    // Annotations: their own, on an assigned session only.
    QVERIFY2(m_server.sql(QStringLiteral("INSERT INTO trailmark.annotations (id, session, time_ns, payload) SELECT "
                                         "gen_random_uuid(), %1, 1, '\\x00'")
                              .arg(aliceSession),
                          &error, QStringLiteral("rita")),
             qPrintable(error));
    QVERIFY(!m_server.sql(QStringLiteral("INSERT INTO trailmark.annotations (id, session, author, time_ns, payload) "
                                         "SELECT gen_random_uuid(), %1, 'ravi', 1, '\\x00'")
                              .arg(aliceSession),
                          &error, QStringLiteral("rita")));
    QVERIFY2(error.contains(QStringLiteral("row-level security")), qPrintable(error));
    QVERIFY(!m_server.sql(QStringLiteral("INSERT INTO trailmark.annotations (id, session, time_ns, payload) SELECT "
                                         "gen_random_uuid(), %1, 1, '\\x00'")
                              .arg(aliceSession),
                          &error, QStringLiteral("ravi")));

    // That record does not decode: a pull brings the session all the same and names it.
    test::TempDatabase ritaFile;
    const Result pulled = trailmark({QStringLiteral("pull")}, QStringLiteral("rita"), ritaFile.path());
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.err));
    QVERIFY2(pulled.err.contains(QStringLiteral("1 annotation(s) on the team store do not decode")),
             qPrintable(pulled.err));

    // Events are immutable, for the admin and the superuser too.
    QVERIFY(!m_server.sql(QStringLiteral("UPDATE trailmark.events SET time_ns = 0"), &error, QStringLiteral("adam")));
    QVERIFY2(error.contains(QStringLiteral("permission denied")), qPrintable(error));
    QVERIFY(!m_server.sql(QStringLiteral("DELETE FROM trailmark.events"), &error));
    QVERIFY2(error.contains(QStringLiteral("immutable")), qPrintable(error));
    // The admin sees every session.
    QCOMPARE(reviewerSees(QStringLiteral("adam")),
             static_cast<qsizetype>(count(QStringLiteral("SELECT count(*) FROM trailmark.sessions"))));
}

void TestTeamStore::unreachableServerIsAClearError()
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(
        QStringLiteral("TRAILMARK_TEAM"),
        QStringLiteral("host=/nonexistent-socket-dir dbname=postgres user=alice password=hunter2secret"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  {QStringLiteral("--db"), m_alice.path(), QStringLiteral("push"), QStringLiteral("--all-finished")});
    QVERIFY(process.waitForFinished(60'000));
    const QString err = QString::fromUtf8(process.readAllStandardError());
    QCOMPARE(process.exitCode(), 1);
    QVERIFY2(err.contains(QStringLiteral("cannot connect to the team store")), qPrintable(err));
    QVERIFY2(!err.contains(QStringLiteral("hunter2secret")), qPrintable(err));
    const Result none = [&] {
        QProcess bare;
        QProcessEnvironment clean = QProcessEnvironment::systemEnvironment();
        clean.remove(QStringLiteral("TRAILMARK_TEAM"));
        bare.setProcessEnvironment(clean);
        bare.start(QStringLiteral(TRAILMARK_BINARY),
                   {QStringLiteral("--db"), m_alice.path(), QStringLiteral("team"), QStringLiteral("sessions")});
        bare.waitForFinished(60'000);
        return Result{bare.exitCode(), {}, QString::fromUtf8(bare.readAllStandardError())};
    }();
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains(QStringLiteral("TRAILMARK_TEAM")), qPrintable(none.err));
}

QTEST_GUILESS_MAIN(TestTeamStore)
#include "TestTeamStore.moc"
