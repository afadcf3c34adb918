// The team store's review workflow against a real PostgreSQL 15 server started by the
// test, from a campaign to an export: concurrent claims, expiring leases, reviews
// submitted, a reviewer's redaction reaching every later copy, agreement, and a team
// export that is byte-identical to a local one.

#include "PgServer.h"
#include "SessionScript.h"
#include "TeamStoreFixture.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "store/Store.h"
#include "team/PgConnection.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace trailmark;

class TestTeamStoreReview final : public TeamStoreFixture
{
    Q_OBJECT

private Q_SLOTS:
    void campaignToExportWithTwoReviewers();
    void claimsNeverCollideAndLeasesExpire();
};

// Two experts and two reviewers, each with their own role and their own SQLite file, go
// from a campaign to an export: the admin sets up a task wanting two reviewers a
// session, both experts push at once, both reviewers claim at once and then review
// both sessions, one redacts a host name, and the admin's export from the team store is
// the same, byte for byte, as a local export of the pulled sessions, without that host.
void TestTeamStoreReview::campaignToExportWithTwoReviewers()
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
void TestTeamStoreReview::claimsNeverCollideAndLeasesExpire()
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

QTEST_GUILESS_MAIN(TestTeamStoreReview)
#include "TestTeamStoreReview.moc"
