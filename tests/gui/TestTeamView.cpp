// The Team tab against a real PostgreSQL 15 server: an expert sees which sessions are
// on the team store and pushes them; a reviewer claims the next session (pulled into
// their own file), reviews it and submits; and with the server gone the tab says so,
// keeps every local session listed, and changes nothing.

#include "PgServer.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "gui/TeamView.h"
#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"
#include "team/TeamStore.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeWidget>

using namespace trailmark;

class TestTeamView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void expertPushesAndSeesTheState();
    void reviewerClaimsReviewsAndSubmits();
    void unreachableServerKeepsLocalWork();

private:
    qint64 serverCount(const QString& sql);
    static QString stateOf(const gui::TeamView& view, const QString& sessionId);
    static bool waitIdle(const gui::TeamView& view);

    test::PgServer m_server;
    test::TempDatabase m_expertFile;
    QString m_finished;
    QString m_recording;
};

qint64 TestTeamView::serverCount(const QString& sql)
{
    QString error;
    auto connection = team::PgConnection::open(m_server.connectionString(), &error);
    const auto result = connection ? connection->query(sql.toUtf8().constData(), {}, &error) : std::nullopt;
    if (!result || result->rows() != 1) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
        return -1;
    }
    return result->number(0, 0);
}

QString TestTeamView::stateOf(const gui::TeamView& view, const QString& sessionId)
{
    const auto* sessions = view.findChild<QTreeWidget*>(QStringLiteral("teamSessions"));
    for (int i = 0; i < sessions->topLevelItemCount(); ++i) {
        if (sessions->topLevelItem(i)->data(0, Qt::UserRole).toString() == sessionId)
            return sessions->topLevelItem(i)->text(3);
    }
    return QStringLiteral("(not listed)");
}

bool TestTeamView::waitIdle(const gui::TeamView& view)
{
    return QTest::qWaitFor([&view] { return !view.isBusy(); }, 60'000);
}

void TestTeamView::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    auto owner = team::PgConnection::open(m_server.connectionString(), &error);
    QVERIFY2(owner, qPrintable(error));
    int fromVersion = 0;
    QVERIFY2(team::schema::initialize(*owner, &fromVersion, &error), qPrintable(error));
    QVERIFY2(m_server.sql(QStringLiteral("CREATE ROLE alice LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE rita LOGIN IN ROLE trailmark_reviewer;"),
                          &error),
             qPrintable(error));
    auto store = m_expertFile.open();
    m_finished = test::createMessySession(*store).sessionId;
    auto session = store->session(m_finished, &error);
    QVERIFY2(session, qPrintable(error));
    session->set_state(v1::Session::STATE_FINISHED);
    QVERIFY2(store->updateSession(*session, &error), qPrintable(error));
    m_recording = test::createSession(*store, QStringLiteral("still recording"));

    // A campaign task for experts to pick (as the owner, who may do what an admin does).
    auto team = team::TeamStore::connect(m_server.connectionString(), &error);
    QVERIFY2(team, qPrintable(error));
    QVERIFY2(team->addCampaign(QStringLiteral("Q4 backend"), &error), qPrintable(error));
    team::TeamStore::Task task;
    task.campaign = QStringLiteral("Q4 backend");
    task.title = QStringLiteral("make the parser tests pass");
    task.instructions = QStringLiteral("Keep notes of what you rule out.");
    task.sessionsWanted = 5;
    task.reviewersPerSession = 2;
    QVERIFY2(team->addTask(task, &error), qPrintable(error));
}

void TestTeamView::expertPushesAndSeesTheState()
{
    auto store = m_expertFile.open();
    gui::TeamView view(*store);
    view.resize(1100, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // Without a team store the tab says so and does not pretend to ask.
    view.setConnectionString({});
    view.refresh();
    QVERIFY(!view.isBusy());
    QCOMPARE(stateOf(view, m_finished), QStringLiteral("only on this machine"));
    view.setConnectionString(m_server.connectionString(QStringLiteral("alice")));
    view.refresh();
    QVERIFY(waitIdle(view));
    QVERIFY2(view.statusText().contains(QStringLiteral("as alice")), qPrintable(view.statusText()));
    QCOMPARE(stateOf(view, m_finished), QStringLiteral("not pushed"));
    QCOMPARE(stateOf(view, m_recording), QStringLiteral("still recording"));
    // The campaign's task, to pick for the next recording.
    auto* tasks = view.findChild<QTreeWidget*>(QStringLiteral("teamTasks"));
    QCOMPARE(tasks->topLevelItemCount(), 1);
    QCOMPARE(tasks->topLevelItem(0)->text(2), QStringLiteral("0 of 5"));
    QSignalSpy picked(&view, &gui::TeamView::recordTaskRequested);
    tasks->topLevelItem(0)->setSelected(true);
    QTest::mouseClick(view.findChild<QPushButton*>(QStringLiteral("teamRecordTask")), Qt::LeftButton);
    QCOMPARE(picked.size(), 1);
    QCOMPARE(picked.first().first().toString(), QStringLiteral("make the parser tests pass"));
    QCOMPARE(picked.first().last().toString(), QStringLiteral("Keep notes of what you rule out."));
    // A reviewer-only action is not offered to an expert.
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("teamClaim"))->isEnabled());

    auto* pushAll = view.findChild<QPushButton*>(QStringLiteral("teamPushAll"));
    QVERIFY(pushAll->isEnabled());
    QTest::mouseClick(pushAll, Qt::LeftButton);
    QVERIFY(view.isBusy()); // off the GUI thread
    QVERIFY(waitIdle(view));
    QVERIFY2(view.statusText().contains(QStringLiteral("Pushed 1 of 1 session")), qPrintable(view.statusText()));
    QCOMPARE(stateOf(view, m_finished), QStringLiteral("pushed"));
    // Its task text names the campaign task: the push linked it.
    QCOMPARE(tasks->topLevelItem(0)->text(2), QStringLiteral("1 of 5"));
    QCOMPARE(serverCount(QStringLiteral("SELECT count(*) FROM trailmark.events WHERE session = '%1'").arg(m_finished)),
             *store->eventCount(m_finished, nullptr));
    QTest::qWait(100); // the layout follows the new texts
    if (const QString shots = qEnvironmentVariable("TRAILMARK_GUI_SHOTS"); !shots.isEmpty())
        view.grab().save(shots + QStringLiteral("/team-expert.png"));
}

void TestTeamView::reviewerClaimsReviewsAndSubmits()
{
    test::TempDatabase reviewerFile;
    auto store = reviewerFile.open();
    gui::TeamView view(*store);
    view.resize(1100, 500);
    view.setConnectionString(m_server.connectionString(QStringLiteral("rita")));
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.refresh();
    QVERIFY(waitIdle(view));
    auto* claim = view.findChild<QPushButton*>(QStringLiteral("teamClaim"));
    QVERIFY(claim->isEnabled());
    QVERIFY2(view.findChild<QLabel*>(QStringLiteral("teamWaiting"))->text().startsWith(QStringLiteral("1 session")),
             qPrintable(view.findChild<QLabel*>(QStringLiteral("teamWaiting"))->text()));

    QSignalSpy opened(&view, &gui::TeamView::openSessionRequested);
    QSignalSpy changed(&view, &gui::TeamView::localSessionsChanged);
    QTest::mouseClick(claim, Qt::LeftButton);
    QVERIFY(waitIdle(view));
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().first().toString(), m_finished);
    QCOMPARE(changed.size(), 1);
    // The copy is whole, and the tab says whose it is.
    auto expertStore = m_expertFile.open();
    QCOMPARE(*store->eventCount(m_finished, nullptr), *expertStore->eventCount(m_finished, nullptr));
    QCOMPARE(stateOf(view, m_finished), QStringLiteral("pulled from alice"));
    auto* queue = view.findChild<QTreeWidget*>(QStringLiteral("teamQueue"));
    QCOMPARE(queue->topLevelItemCount(), 1);
    QCOMPARE(queue->topLevelItem(0)->text(3), QStringLiteral("to review"));
    // Pushing is for one's own sessions: a pulled copy is not offered.
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("teamPush"))->isEnabled());

    // The review, as the Review tab writes it, then Submit.
    v1::Annotation verdict;
    verdict.set_session_id(m_finished.toStdString());
    verdict.set_target_id(m_finished.toStdString());
    verdict.set_reviewer("rita");
    verdict.set_verdict(v1::Annotation::VERDICT_ACCEPTED);
    verdict.set_rationale("clean recovery from the failing test");
    QString error;
    QVERIFY2(store->addAnnotation(verdict, &error), qPrintable(error));
    queue->topLevelItem(0)->setSelected(true);
    auto* submit = view.findChild<QPushButton*>(QStringLiteral("teamSubmit"));
    QVERIFY(submit->isEnabled());
    QTest::mouseClick(submit, Qt::LeftButton);
    QVERIFY(waitIdle(view));
    QVERIFY2(view.statusText().contains(QStringLiteral("submitted (1 annotations sent)")),
             qPrintable(view.statusText()));
    QCOMPARE(queue->topLevelItem(0)->text(3), QStringLiteral("submitted"));
    QCOMPARE(serverCount(QStringLiteral("SELECT count(*) FROM trailmark.annotations WHERE author = 'rita'")), 1);
    QCOMPARE(serverCount(QStringLiteral("SELECT count(*) FROM trailmark.assignments WHERE submitted_at IS NOT NULL")),
             1);
    QTest::qWait(100); // the layout follows the new texts
    if (const QString shots = qEnvironmentVariable("TRAILMARK_GUI_SHOTS"); !shots.isEmpty())
        view.grab().save(shots + QStringLiteral("/team-reviewer.png"));
}

void TestTeamView::unreachableServerKeepsLocalWork()
{
    auto store = m_expertFile.open();
    const qint64 events = *store->eventCount(m_finished, nullptr);
    gui::TeamView view(*store);
    view.resize(1100, 500);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QString error;
    QVERIFY2(m_server.stop(&error), qPrintable(error));
    view.setConnectionString(m_server.connectionString(QStringLiteral("alice")));
    view.refresh();
    QVERIFY(waitIdle(view));
    QVERIFY2(view.statusText().contains(QStringLiteral("Offline: the team store cannot be reached")),
             qPrintable(view.statusText()));
    QVERIFY2(view.statusText().contains(QStringLiteral("stay on this machine")), qPrintable(view.statusText()));
    QCOMPARE(stateOf(view, m_finished), QStringLiteral("unknown (offline)"));
    QCOMPARE(stateOf(view, m_recording), QStringLiteral("still recording"));
    QVERIFY(!view.findChild<QPushButton*>(QStringLiteral("teamPushAll"))->isEnabled());
    QCOMPARE(*store->eventCount(m_finished, nullptr), events);
    QTest::qWait(100); // the layout follows the new texts
    if (const QString shots = qEnvironmentVariable("TRAILMARK_GUI_SHOTS"); !shots.isEmpty())
        view.grab().save(shots + QStringLiteral("/team-offline.png"));
}

QTEST_MAIN(TestTeamView)
#include "TestTeamView.moc"
