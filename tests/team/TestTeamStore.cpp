// The team store against a real PostgreSQL 15 server started by the test: set-up and
// migrations, pushes that store every event once (repeated, concurrent, killed, cut off
// by a server restart), the roles as PostgreSQL itself enforces them, and the workflow
// from a campaign to an export: concurrent claims, expiring leases, reviews submitted,
// a reviewer's redaction reaching every later copy, agreement, and a team export that
// is byte-identical to a local one.

#include "PgServer.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <csignal>
#include <memory>
#include <vector>

using namespace trailmark;

class TestTeamStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void initIsVersionedAndRefusesANewerSchema();
    void pushStoresEverythingOnceAndByteForByte();
    void killedPushResumes();
    void pushSurvivesAServerRestart();
    void rolesAreEnforcedByTheServer();
    void campaignToExportWithTwoReviewers();
    void claimsNeverCollideAndLeasesExpire();
    void unreachableServerIsAClearError();

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Result trailmark(const QStringList& arguments, const QString& role, const QString& database = {});
    QProcess* startTrailmark(const QStringList& arguments, const QString& role, const QString& database);
    // One number from the server, as the superuser.
    qint64 count(const QString& sql);
    QString finishedSession(store::Store& store, const QString& task, int commands, int outputBytes = 64);
    QJsonObject json(const QStringList& arguments, const QString& role, const QString& database = {});

    test::PgServer m_server;
    test::TempDatabase m_alice; // an expert's own SQLite file
    test::TempDatabase m_bob;   // another expert's
};

TestTeamStore::Result TestTeamStore::trailmark(const QStringList& arguments, const QString& role,
                                               const QString& database)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_TEAM"), m_server.connectionString(role));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  QStringList{QStringLiteral("--db"), database.isEmpty() ? m_alice.path() : database} + arguments);
    Result result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QProcess* TestTeamStore::startTrailmark(const QStringList& arguments, const QString& role, const QString& database)
{
    auto* process = new QProcess(this);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_TEAM"), m_server.connectionString(role));
    process->setProcessEnvironment(environment);
    process->start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), database} + arguments);
    return process;
}

qint64 TestTeamStore::count(const QString& sql)
{
    QString error;
    auto connection = team::PgConnection::open(m_server.connectionString(), &error);
    if (!connection) {
        qWarning("%s", qPrintable(error));
        return -1;
    }
    const auto result = connection->query(sql.toUtf8().constData(), {}, &error);
    if (!result || result->rows() != 1) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
        return -1;
    }
    return result->number(0, 0);
}

QString TestTeamStore::finishedSession(store::Store& store, const QString& task, int commands, int outputBytes)
{
    const QString id = test::createSession(store, task);
    {
        test::SessionScript script(store, id);
        const QByteArray output = QByteArray("tests/test_parser.py ..F.\n").repeated(outputBytes / 26 + 1);
        for (int i = 0; i < commands; ++i)
            script.command("pytest -x tests/test_" + QByteArray::number(i % 17) + ".py", i % 5 == 2 ? 1 : 0, output);
        if (!script.flush())
            return {};
    }
    QString error;
    auto session = store.session(id, &error);
    if (!session)
        return {};
    session->set_state(v1::Session::STATE_FINISHED);
    session->set_expert("alice");
    if (!store.updateSession(*session, &error))
        return {};
    return id;
}

QJsonObject TestTeamStore::json(const QStringList& arguments, const QString& role, const QString& database)
{
    const Result result = trailmark(arguments + QStringList{QStringLiteral("--json")}, role, database);
    if (result.exitCode != 0)
        qWarning("trailmark %s as %s: %s", qPrintable(arguments.join(QLatin1Char(' '))), qPrintable(role),
                 qPrintable(result.err));
    return QJsonDocument::fromJson(result.out.toUtf8()).object();
}

void TestTeamStore::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    // People are login roles granted one of Trailmark's group roles (after team init,
    // which creates those).
    const Result init = trailmark({QStringLiteral("team"), QStringLiteral("init")}, QStringLiteral("owner"));
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QVERIFY2(init.out.contains(QStringLiteral("Set up the team store")), qPrintable(init.out));
    QVERIFY2(m_server.sql(QStringLiteral("CREATE ROLE alice LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE bob LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE rita LOGIN IN ROLE trailmark_reviewer;"
                                         "CREATE ROLE ravi LOGIN IN ROLE trailmark_reviewer;"
                                         "CREATE ROLE adam LOGIN IN ROLE trailmark_admin;"),
                          &error),
             qPrintable(error));
}

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

// Two experts and two reviewers, each with their own role and their own SQLite file, go
// from a campaign to an export: the admin sets up a task wanting two reviewers a
// session, both experts push at once, both reviewers claim at once and then review
// both sessions, one redacts a host name, and the admin's export from the team store is
// the same, byte for byte, as a local export of the pulled sessions, without that host.
void TestTeamStore::campaignToExportWithTwoReviewers()
{
    QString error;
    QVERIFY2(m_server.sql(QStringLiteral("CREATE ROLE carl LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE dana LOGIN IN ROLE trailmark_expert;"),
                          &error),
             qPrintable(error));
    const QString task = QStringLiteral("migrate the billing service to the new queue");
    const QStringList taskArguments = {QStringLiteral("team"),
                                       QStringLiteral("add"),
                                       QStringLiteral("task"),
                                       task,
                                       QStringLiteral("--campaign"),
                                       QStringLiteral("Q4 backend"),
                                       QStringLiteral("--instructions"),
                                       QStringLiteral("Use the staging cluster; say what you check before deploying."),
                                       QStringLiteral("--sessions"),
                                       QStringLiteral("2"),
                                       QStringLiteral("--reviewers"),
                                       QStringLiteral("2")};
    // Only an admin manages campaigns.
    const Result refused = trailmark(
        {QStringLiteral("team"), QStringLiteral("add"), QStringLiteral("campaign"), QStringLiteral("Q4 backend")},
        QStringLiteral("carl"));
    QCOMPARE(refused.exitCode, 1);
    QVERIFY2(refused.err.contains(QStringLiteral("permission denied")), qPrintable(refused.err));
    Result added = trailmark(
        {QStringLiteral("team"), QStringLiteral("add"), QStringLiteral("campaign"), QStringLiteral("Q4 backend")},
        QStringLiteral("adam"));
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));
    added = trailmark(taskArguments, QStringLiteral("adam"));
    QVERIFY2(added.exitCode == 0, qPrintable(added.err));

    // Each expert records in their own file; the session with a screenshot, notes, an
    // error, its retry and the expert's own ratings.
    test::TempDatabase carlFile, danaFile;
    QString carlSession, danaSession;
    {
        auto store = carlFile.open();
        const test::MessySession messy = test::createMessySession(*store, task);
        carlSession = messy.sessionId;
        auto session = store->session(carlSession, &error);
        QVERIFY2(session, qPrintable(error));
        session->set_state(v1::Session::STATE_FINISHED);
        QVERIFY2(store->updateSession(*session, &error), qPrintable(error));
    }
    {
        auto store = danaFile.open();
        danaSession = test::createSession(*store, task);
        {
            test::SessionScript script(*store, danaSession, 1'767'229'200'000'000'000);
            script.note(QStringLiteral("The consumer reads from the old queue; check the staging config first."));
            script.command("kubectl --context staging get configmap billing -o yaml", 0, "queue: billing-v1\n");
            script.command("curl -fsS https://billing.internal.example.corp/health", 7,
                           "curl: (7) Failed to connect to billing.internal.example.corp port 443\n");
            script.command("curl -fsS https://billing.internal.example.corp/health", 0, "ok\n");
            script.command("helm upgrade billing ./chart --set queue=billing-v2", 0, "Release upgraded\n");
            QVERIFY(script.flush());
        }
        auto session = store->session(danaSession, &error);
        QVERIFY2(session, qPrintable(error));
        session->set_state(v1::Session::STATE_FINISHED);
        QVERIFY2(store->updateSession(*session, &error), qPrintable(error));
    }

    // Both push at once (their own roles), naming the task by its title.
    QProcess* carlPush =
        startTrailmark({QStringLiteral("push"), QStringLiteral("--all-finished"), QStringLiteral("--task"), task},
                       QStringLiteral("carl"), carlFile.path());
    QProcess* danaPush =
        startTrailmark({QStringLiteral("push"), QStringLiteral("--all-finished"), QStringLiteral("--task"), task},
                       QStringLiteral("dana"), danaFile.path());
    QVERIFY(carlPush->waitForFinished(120'000) && danaPush->waitForFinished(120'000));
    QVERIFY2(carlPush->exitCode() == 0, carlPush->readAllStandardError().constData());
    QVERIFY2(danaPush->exitCode() == 0, danaPush->readAllStandardError().constData());
    const QJsonArray tasks = json({QStringLiteral("team"), QStringLiteral("tasks")}, QStringLiteral("carl"))
                                 .value(QStringLiteral("tasks"))
                                 .toArray();
    QJsonObject ourTask;
    for (const QJsonValue& value : tasks) {
        if (value.toObject().value(QStringLiteral("title")).toString() == task)
            ourTask = value.toObject();
    }
    // An expert sees how far the task is over everyone's sessions, though not theirs.
    QCOMPARE(ourTask.value(QStringLiteral("sessions_pushed")).toInt(), 2);
    QCOMPARE(ourTask.value(QStringLiteral("reviewers_per_session")).toInt(), 2);
    QCOMPARE(json({QStringLiteral("team"), QStringLiteral("sessions")}, QStringLiteral("carl"))
                 .value(QStringLiteral("sessions"))
                 .toArray()
                 .size(),
             1);
    // An expert does not claim reviews.
    const Result expertClaims =
        trailmark({QStringLiteral("team"), QStringLiteral("claim"), QStringLiteral("--task"), task},
                  QStringLiteral("carl"), carlFile.path());
    QCOMPARE(expertClaims.exitCode, 1);
    QVERIFY2(expertClaims.err.contains(QStringLiteral("only reviewers claim")), qPrintable(expertClaims.err));

    // Both reviewers claim at the same moment, each into their own file.
    test::TempDatabase ritaFile, raviFile;
    const QStringList claim = {QStringLiteral("team"), QStringLiteral("claim"), QStringLiteral("--task"), task,
                               QStringLiteral("--json")};
    QProcess* ritaClaim = startTrailmark(claim, QStringLiteral("rita"), ritaFile.path());
    QProcess* raviClaim = startTrailmark(claim, QStringLiteral("ravi"), raviFile.path());
    QVERIFY(ritaClaim->waitForFinished(120'000) && raviClaim->waitForFinished(120'000));
    QVERIFY2(ritaClaim->exitCode() == 0, ritaClaim->readAllStandardError().constData());
    QVERIFY2(raviClaim->exitCode() == 0, raviClaim->readAllStandardError().constData());
    const QString taskSessions =
        QStringLiteral("(SELECT s.id FROM trailmark.sessions s JOIN trailmark.tasks t ON t.id = s.task_id WHERE "
                       "t.title = '%1')")
            .arg(task);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.assignments WHERE session IN %1").arg(taskSessions)),
             2);

    // Each reviews what they claimed, submits, and claims the other session next.
    const auto reviewOne = [&](const QString& reviewer, const test::TempDatabase& file,
                               const QString& verdict) -> QString {
        const QJsonObject claimed =
            QJsonDocument::fromJson(trailmark(claim, reviewer, file.path()).out.toUtf8()).object();
        const QString sessionId =
            claimed.value(QStringLiteral("claim")).toObject().value(QStringLiteral("session")).toString();
        if (sessionId.isEmpty())
            return QString();
        // The pulled copy is whole: every event, the image, the expert's notes.
        auto store = file.open();
        const QString expertFile = sessionId == carlSession ? carlFile.path() : danaFile.path();
        auto expertStore = store::Store::open(expertFile, store::Store::Access::ReadOnly, nullptr);
        if (!expertStore || *store->eventCount(sessionId, nullptr) != *expertStore->eventCount(sessionId, nullptr))
            return QStringLiteral("incomplete copy");
        if (sessionId == danaSession && reviewer == QLatin1String("rita")) {
            // rita redacts the internal host name wherever it shows: both curl
            // commands and the failed one's output.
            const std::string host = "billing.internal.example.corp";
            for (const v1::Event& event : test::eventsOf(*store, sessionId)) {
                const bool started = event.has_command_started();
                const std::string& text =
                    started ? event.command_started().command() : event.command_finished().output_head();
                const size_t offset = text.find(host);
                if ((!started && !event.has_command_finished()) || offset == std::string::npos)
                    continue;
                const chains::review::RedactionSpan span{
                    QString::fromStdString(event.id()),
                    started ? QStringLiteral("command") : QStringLiteral("output_head"), static_cast<quint32>(offset),
                    static_cast<quint32>(host.size()), QStringLiteral("personal")};
                if (!chains::review::addRedaction(*store, sessionId, reviewer, span, nullptr, &error))
                    return error;
            }
        }
        store.reset();
        const Result annotated =
            trailmark({QStringLiteral("annotate"), sessionId, QStringLiteral("--reviewer"), reviewer,
                       QStringLiteral("--verdict"), verdict, QStringLiteral("--rationale"), QStringLiteral("checked")},
                      reviewer, file.path());
        const Result rated =
            trailmark({QStringLiteral("annotate"), sessionId, QStringLiteral("--step"), QStringLiteral("1"),
                       QStringLiteral("--reviewer"), reviewer, QStringLiteral("--rating"), QStringLiteral("1")},
                      reviewer, file.path());
        const Result submitted =
            trailmark({QStringLiteral("team"), QStringLiteral("submit"), sessionId}, reviewer, file.path());
        if (annotated.exitCode != 0 || rated.exitCode != 0 || submitted.exitCode != 0)
            return QString(annotated.err + rated.err + submitted.err);
        return sessionId;
    };
    const QString ritaFirst = reviewOne(QStringLiteral("rita"), ritaFile, QStringLiteral("accepted"));
    const QString raviFirst = reviewOne(QStringLiteral("ravi"), raviFile, QStringLiteral("accepted"));
    const QString ritaSecond = reviewOne(QStringLiteral("rita"), ritaFile, QStringLiteral("accepted"));
    const QString raviSecond = reviewOne(QStringLiteral("ravi"), raviFile, QStringLiteral("needs-work"));
    const QSet<QString> both = {carlSession, danaSession};
    QVERIFY2(both.contains(ritaFirst) && both.contains(ritaSecond) && ritaFirst != ritaSecond,
             qPrintable(ritaFirst + QLatin1Char(' ') + ritaSecond));
    QVERIFY2(both.contains(raviFirst) && both.contains(raviSecond) && raviFirst != raviSecond,
             qPrintable(raviFirst + QLatin1Char(' ') + raviSecond));
    // Nothing is left for either of them in this task.
    QVERIFY(json(claim.mid(0, 4), QStringLiteral("rita"), ritaFile.path()).value(QStringLiteral("claim")).isNull());
    const QJsonObject queue = json({QStringLiteral("team"), QStringLiteral("queue")}, QStringLiteral("ravi"));
    int submitted = 0;
    for (const QJsonValue& value : queue.value(QStringLiteral("claims")).toArray())
        submitted += value.toObject().value(QStringLiteral("state")).toString() == QLatin1String("submitted") ? 1 : 0;
    QCOMPARE(submitted, 2);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.assignments WHERE submitted_at IS NOT NULL AND "
                                  "session IN %1")
                       .arg(taskSessions)),
             4);

    // Agreement: carl's session accepted by both; dana's accepted and needs-work (if
    // rita took it second) or the other way round; the step ratings all agree.
    const QJsonObject stats = json({QStringLiteral("stats"), QStringLiteral("--team")}, QStringLiteral("adam"));
    QCOMPARE(stats.value(QStringLiteral("sessions_with_several_verdicts")).toInt(), 2);
    const QJsonObject verdicts = stats.value(QStringLiteral("verdicts")).toObject();
    QCOMPARE(verdicts.value(QStringLiteral("pairs")).toInt(), 2);
    QCOMPARE(verdicts.value(QStringLiteral("pair_agreement")).toDouble(), 0.5);
    // Krippendorff's alpha, by hand: values 1,1 | 1,3 (n = 4; three 1s, one 3);
    // D_o = (0 + 2) / 4 = 0.5, D_e = (3*1 + 1*3) / (4*3) = 0.5, alpha = 1 - 0.5/0.5 = 0:
    // half the pairs agree, exactly what chance gives with these values.
    QCOMPARE(verdicts.value(QStringLiteral("krippendorff_alpha")).toDouble(), 0.0);
    QVERIFY(verdicts.value(QStringLiteral("krippendorff_alpha")).isDouble());
    const QJsonObject ratings = stats.value(QStringLiteral("step_ratings")).toObject();
    QCOMPARE(ratings.value(QStringLiteral("pair_agreement")).toDouble(), 1.0);
    // Every rating the same value: no disagreement is expected, so alpha is undefined.
    QVERIFY(ratings.value(QStringLiteral("krippendorff_alpha")).isNull());
    QVERIFY(stats.value(QStringLiteral("reviewers")).toArray().contains(QStringLiteral("rita")));
    QVERIFY(!stats.value(QStringLiteral("reviewers")).toArray().contains(QStringLiteral("carl")));

    // The admin's export from the team store equals a local export of the same
    // sessions pulled into a file, and rita's redaction reached both.
    test::TempDatabase adamFile;
    const Result pulled =
        trailmark({QStringLiteral("pull"), carlSession, danaSession}, QStringLiteral("adam"), adamFile.path());
    QVERIFY2(pulled.exitCode == 0, qPrintable(pulled.err));
    QVERIFY2(pulled.out.contains(QStringLiteral("3 reviewer redactions applied")), qPrintable(pulled.out));
    QTemporaryDir exports;
    const QStringList format = {QStringLiteral("--format"), QStringLiteral("all")};
    const Result local = trailmark(
        QStringList{QStringLiteral("export"), QStringLiteral("--out"), exports.filePath(QStringLiteral("local"))} +
            format,
        QStringLiteral("adam"), adamFile.path());
    QVERIFY2(local.exitCode == 0, qPrintable(local.err));
    const Result team =
        trailmark(QStringList{QStringLiteral("team"), QStringLiteral("export"), QStringLiteral("--session"),
                              carlSession, QStringLiteral("--session"), danaSession, QStringLiteral("--out"),
                              exports.filePath(QStringLiteral("team"))} +
                      format,
                  QStringLiteral("adam"), adamFile.path());
    QVERIFY2(team.exitCode == 0, qPrintable(team.err));
    const auto localFiles = test::filesUnder(exports.filePath(QStringLiteral("local")));
    const auto teamFiles = test::filesUnder(exports.filePath(QStringLiteral("team")));
    QVERIFY(localFiles.size() > 5);
    QCOMPARE(teamFiles.keys(), localFiles.keys());
    for (auto it = localFiles.cbegin(); it != localFiles.cend(); ++it) {
        QVERIFY2(teamFiles.value(it.key()) == it.value(), qPrintable(it.key()));
        QVERIFY2(!it.value().contains("billing.internal.example.corp"), qPrintable(it.key()));
    }
    QVERIFY(localFiles.value(QStringLiteral("agent_chain/sessions.jsonl")).contains("kubectl --context staging") ||
            std::any_of(localFiles.cbegin(), localFiles.cend(),
                        [](const QByteArray& bytes) { return bytes.contains("kubectl --context staging"); }));
    // The staging file of the team export is gone.
    QCOMPARE(QDir(exports.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot).size(), 2);
    // The expert's own file is untouched by what happened on the server.
    auto carlStore = carlFile.open();
    QCOMPARE(carlStore->annotations(carlSession, nullptr)->size(),
             static_cast<qsizetype>(
                 count(QStringLiteral("SELECT count(*) FROM trailmark.annotations WHERE session = '%1' AND author = "
                                      "'carl'")
                           .arg(carlSession))));
}

// Six reviewers claim at once from a task of three sessions wanting one reviewer each:
// three get a session each, never the same, and three get nothing. A claim whose lease
// ran out goes to the next reviewer, and its first holder can no longer submit it.
void TestTeamStore::claimsNeverCollideAndLeasesExpire()
{
    QString error;
    QString roles = QStringLiteral("CREATE ROLE erin LOGIN IN ROLE trailmark_expert;");
    for (int i = 1; i <= 6; ++i)
        roles += QStringLiteral("CREATE ROLE reviewer%1 LOGIN IN ROLE trailmark_reviewer;").arg(i);
    QVERIFY2(m_server.sql(roles, &error), qPrintable(error));
    const QString task = QStringLiteral("triage the nightly failures");
    QVERIFY(
        trailmark({QStringLiteral("team"), QStringLiteral("add"), QStringLiteral("campaign"), QStringLiteral("triage")},
                  QStringLiteral("adam"))
            .exitCode == 0);
    QVERIFY(trailmark({QStringLiteral("team"), QStringLiteral("add"), QStringLiteral("task"), task,
                       QStringLiteral("--campaign"), QStringLiteral("triage"), QStringLiteral("--sessions"),
                       QStringLiteral("3")},
                      QStringLiteral("adam"))
                .exitCode == 0);
    test::TempDatabase erinFile;
    {
        auto store = erinFile.open();
        for (int i = 0; i < 3; ++i)
            QVERIFY(!finishedSession(*store, task, 20 + i).isEmpty());
    }
    const Result pushed =
        trailmark({QStringLiteral("push"), QStringLiteral("--all-finished")}, QStringLiteral("erin"), erinFile.path());
    QVERIFY2(pushed.exitCode == 0, qPrintable(pushed.err));

    std::vector<std::unique_ptr<test::TempDatabase>> files;
    QList<QProcess*> claims;
    for (int i = 1; i <= 6; ++i) {
        files.push_back(std::make_unique<test::TempDatabase>());
        claims.append(startTrailmark(
            {QStringLiteral("team"), QStringLiteral("claim"), QStringLiteral("--task"), task, QStringLiteral("--json")},
            QStringLiteral("reviewer%1").arg(i), files.back()->path()));
    }
    QStringList claimed;
    int empty = 0;
    for (QProcess* process : claims) {
        QVERIFY(process->waitForFinished(120'000));
        QVERIFY2(process->exitCode() == 0, process->readAllStandardError().constData());
        const QJsonValue claim =
            QJsonDocument::fromJson(process->readAllStandardOutput()).object().value(QStringLiteral("claim"));
        if (claim.isNull())
            ++empty;
        else
            claimed.append(claim.toObject().value(QStringLiteral("session")).toString());
    }
    QCOMPARE(claimed.size(), 3);
    QCOMPARE(empty, 3);
    claimed.removeDuplicates();
    QCOMPARE(claimed.size(), 3);

    // reviewer1's lease runs out (as if an hour passed); the next claim takes it over.
    const QString holderOfFirst =
        QStringLiteral("(SELECT reviewer FROM trailmark.assignments a JOIN trailmark.sessions s ON s.id = a.session "
                       "JOIN trailmark.tasks t ON t.id = s.task_id WHERE t.title = '%1' ORDER BY a.session LIMIT 1)")
            .arg(task);
    QString holder;
    {
        auto connection = team::PgConnection::open(m_server.connectionString(), &error);
        QVERIFY2(connection, qPrintable(error));
        const QByteArray sql = QStringLiteral("SELECT %1, (SELECT a.session::text FROM trailmark.assignments a WHERE "
                                              "a.reviewer = %1)")
                                   .arg(holderOfFirst)
                                   .toUtf8();
        const auto rows = connection->query(sql.constData(), {}, &error);
        QVERIFY2(rows && rows->rows() == 1, qPrintable(error));
        holder = rows->text(0, 0);
        const QString expiring = rows->text(0, 1);
        QVERIFY2(m_server.sql(QStringLiteral("UPDATE trailmark.assignments SET expires_at = now() - interval '1 "
                                             "minute' WHERE session = '%1'")
                                  .arg(expiring),
                              &error),
                 qPrintable(error));
        const QJsonObject queue = json({QStringLiteral("team"), QStringLiteral("queue")}, holder);
        QCOMPARE(queue.value(QStringLiteral("claims")).toArray().first().toObject().value(QStringLiteral("state")),
                 QJsonValue(QStringLiteral("expired")));
        QString next;
        for (int i = 1; i <= 6 && next.isEmpty(); ++i) {
            const QString reviewer = QStringLiteral("reviewer%1").arg(i);
            if (reviewer == holder)
                continue;
            const QJsonObject claim =
                json({QStringLiteral("team"), QStringLiteral("claim"), QStringLiteral("--task"), task}, reviewer,
                     files[static_cast<size_t>(i - 1)]->path());
            // Reviewers holding a live claim get theirs back; the first without one
            // takes the expired session.
            if (claim.value(QStringLiteral("claim")).toObject().value(QStringLiteral("session")).toString() == expiring)
                next = reviewer;
        }
        QVERIFY2(!next.isEmpty(), "nobody could take over the expired claim");
        const int holderIndex = holder.mid(QStringLiteral("reviewer").size()).toInt();
        const Result late = trailmark({QStringLiteral("team"), QStringLiteral("submit"), expiring}, holder,
                                      files[static_cast<size_t>(holderIndex - 1)]->path());
        QCOMPARE(late.exitCode, 1);
        QVERIFY2(late.err.contains(QStringLiteral("holds no claim")), qPrintable(late.err));
    }
    // Still one live claim per session.
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM trailmark.assignments a JOIN trailmark.sessions s ON s.id = "
                                  "a.session JOIN trailmark.tasks t ON t.id = s.task_id WHERE t.title = '%1' AND "
                                  "a.expires_at > now()")
                       .arg(task)),
             3);
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
