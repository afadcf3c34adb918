// The Team tab's calls to the team store, each off the GUI thread, and what they found.
#include "gui/TeamView.h"
#include "gui/TeamViewColumns.h"
#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QDateTime>
#include <QHash>
#include <QLabel>
#include <QTreeWidget>

#include <memory>

namespace trailmark::gui {

using namespace teamcolumns;

namespace {

QString shortTime(const QDateTime& time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QString();
}

} // namespace

// What a server call found: the team's view of the sessions, the caller's queue, and
// the message of the call itself.
struct TeamView::ServerState
{
    bool reachable = false;
    QString where;
    QString role;
    QString error;
    QString message; // what the call did ("Pushed 2 sessions")
    QHash<QString, team::TeamStore::TeamSession> sessions;
    QList<team::TeamStore::Claim> claims;
    QList<team::TeamStore::Task> tasks;
    qint64 waiting = 0;
    bool isReviewer = false;
    bool localChanged = false;
    QString openSession; // a claim to open right away
};

void TeamView::runOnServer(const QString& doing,
                           std::function<QString(team::TeamStore& team, store::Store& local, ServerState& state)> work)
{
    if (m_job)
        return;
    m_status->setText(doing);
    m_job = BackgroundJob::run(
        this,
        [work = std::move(work), connection = connectionString(), path = m_databasePath](BackgroundJob&) {
            auto state = std::make_shared<ServerState>();
            auto team = team::TeamStore::connect(connection, &state->error);
            if (!team)
                return state;
            state->reachable = true;
            state->where = team->connection().where();
            state->role = team->connection().role();
            // The work's own connection to the local file: the GUI thread keeps its own.
            auto local = store::Store::open(path, store::Store::Access::ReadWrite, &state->error);
            if (!local)
                return state;
            state->message = work(*team, *local, *state);
            // Whatever the work did, read where things stand afterwards.
            QString error;
            if (const auto sessions = team->sessions(&error)) {
                for (const auto& session : *sessions)
                    state->sessions.insert(session.id, session);
            } else if (state->error.isEmpty()) {
                state->error = error;
            }
            if (const auto tasks = team->tasks(&error)) {
                state->tasks = *tasks;
            } else if (state->error.isEmpty()) {
                state->error = error;
            }
            if (const auto queue = team->queue(&error)) {
                state->claims = queue->claims;
                state->waiting = queue->waiting;
                state->isReviewer = queue->isReviewer;
            } else if (state->error.isEmpty()) {
                state->error = error;
            }
            state->reachable = team->connection().isAlive();
            return state;
        },
        [this](const std::shared_ptr<ServerState>& state) { showServerState(*state); });
    updateButtons();
}

void TeamView::showServerState(const ServerState& state)
{
    m_job = nullptr;
    m_reachable = state.reachable;
    m_isReviewer = state.isReviewer;
    // refresh() listed the local sessions before the call; only a pull changes them.
    if (state.localChanged) {
        fillLocalSessions();
        emit localSessionsChanged();
    }
    if (!state.reachable) {
        m_status->setText(tr("⚠ Offline: the team store cannot be reached. Your sessions stay on this machine; "
                             "push them when it is back.\n%1")
                              .arg(state.error));
        for (int i = 0; i < m_sessions->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = m_sessions->topLevelItem(i);
            if (item->data(SessionState, Qt::UserRole).toBool())
                item->setText(SessionState, tr("unknown (offline)"));
        }
        updateButtons();
        return;
    }
    QString status = tr("Connected to %1 as %2.").arg(state.where, state.role);
    if (!state.message.isEmpty())
        status += QLatin1Char(' ') + state.message;
    if (!state.error.isEmpty())
        status += QLatin1Char('\n') + tr("⚠ %1").arg(state.error);
    m_status->setText(status);
    if (!state.message.isEmpty())
        emit statusMessage(state.message);

    for (int i = 0; i < m_sessions->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = m_sessions->topLevelItem(i);
        if (!item->data(SessionState, Qt::UserRole).toBool())
            continue;
        const auto found = state.sessions.constFind(item->data(SessionId, Qt::UserRole).toString());
        const bool someoneElses = found != state.sessions.cend() && found->expert != state.role;
        item->setData(SessionId, kSomeoneElsesRole, someoneElses);
        if (found == state.sessions.cend())
            item->setText(SessionState, tr("not pushed"));
        else if (someoneElses)
            item->setText(SessionState, tr("pulled from %1").arg(found->expert));
        else if (found->complete)
            item->setText(SessionState, tr("pushed"));
        else
            item->setText(SessionState, tr("partly pushed (%1 of %2)").arg(found->storedEvents).arg(found->eventCount));
    }
    m_sessions->resizeColumnToContents(SessionState);

    const QString selectedTask =
        m_tasks->selectedItems().isEmpty() ? QString() : m_tasks->selectedItems().first()->text(TaskTitle);
    m_tasks->clear();
    for (const auto& task : state.tasks) {
        auto* item = new QTreeWidgetItem(m_tasks);
        item->setText(TaskTitle, task.title);
        item->setData(TaskTitle, Qt::UserRole, task.instructions);
        item->setToolTip(TaskTitle, task.instructions);
        item->setText(TaskCampaign, task.campaign);
        item->setText(TaskSessions, tr("%1 of %2").arg(task.sessionsPushed).arg(task.sessionsWanted));
        item->setText(TaskReviewers, QString::number(task.reviewersPerSession));
        item->setSelected(task.title == selectedTask);
    }
    m_tasks->resizeColumnToContents(TaskCampaign);
    m_tasks->resizeColumnToContents(TaskSessions);
    m_tasks->resizeColumnToContents(TaskReviewers);

    m_queue->clear();
    for (const auto& claim : state.claims) {
        auto* item = new QTreeWidgetItem(m_queue);
        // Enough of the id to tell sessions apart (a UUIDv7 starts with its time) and
        // to give to `trailmark show`.
        item->setText(QueueSession, claim.sessionId.left(13));
        item->setToolTip(QueueSession, claim.sessionId);
        item->setData(QueueSession, Qt::UserRole, claim.sessionId);
        item->setText(QueueExpert, claim.expert);
        item->setText(QueueTask, claim.task);
        item->setData(QueueState, Qt::UserRole, claim.isOpen());
        item->setText(QueueState, claim.submittedAt.isValid() ? tr("submitted")
                                  : claim.expired             ? tr("expired")
                                                              : tr("to review"));
        item->setText(QueueUntil,
                      claim.submittedAt.isValid() ? shortTime(claim.submittedAt) : shortTime(claim.expiresAt));
        if (claim.sessionId == state.openSession)
            item->setSelected(true);
    }
    m_queue->resizeColumnToContents(QueueSession);
    m_queue->resizeColumnToContents(QueueState);
    m_queue->resizeColumnToContents(QueueUntil);
    m_waiting->setText(state.isReviewer ? tr("%1 session(s) wait for a reviewer.").arg(state.waiting)
                                        : tr("%1 is not a reviewer on this team store.").arg(state.role));
    updateButtons();
    if (!state.openSession.isEmpty())
        emit openSessionRequested(state.openSession);
}

void TeamView::pushSelected(bool allFinished)
{
    QStringList ids;
    for (int i = 0; i < m_sessions->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* item = m_sessions->topLevelItem(i);
        // Only finished sessions of one's own: a copy pulled for review goes back
        // through Submit.
        if (item->data(SessionState, Qt::UserRole).toBool() && !item->data(SessionId, kSomeoneElsesRole).toBool() &&
            (allFinished || item->isSelected()))
            ids.append(item->data(SessionId, Qt::UserRole).toString());
    }
    if (ids.isEmpty())
        return;
    runOnServer(tr("Pushing %1 session(s)…").arg(ids.size()),
                [ids](team::TeamStore& team, store::Store& local, ServerState& state) {
                    qint64 sent = 0;
                    int pushed = 0;
                    for (const QString& id : ids) {
                        QString error;
                        const auto report = team.push(local, id, {}, {}, &error);
                        if (!report) {
                            state.error = error;
                            break;
                        }
                        sent += report->sent;
                        ++pushed;
                    }
                    return tr("Pushed %1 of %2 session(s), %3 events sent.").arg(pushed).arg(ids.size()).arg(sent);
                });
}

void TeamView::claimNext()
{
    runOnServer(tr("Claiming the next session to review…"),
                [](team::TeamStore& team, store::Store& local, ServerState& state) {
                    QString error;
                    constexpr int kLeaseMinutes = 120;
                    const auto claim = team.claimNext(kLeaseMinutes, {}, &error);
                    if (!claim) {
                        state.error = error;
                        return QString();
                    }
                    if (claim->sessionId.isEmpty())
                        return tr("Nothing waits for review.");
                    const auto pulled = team.pull(local, claim->sessionId, {}, &error);
                    if (!pulled) {
                        state.error = error;
                        return tr("Claimed %1, but it could not be copied here.").arg(claim->sessionId.left(13));
                    }
                    state.localChanged = true;
                    state.openSession = claim->sessionId;
                    return tr("Claimed %1 (%2 events) for review.").arg(claim->sessionId.left(13)).arg(pulled->events);
                });
}

void TeamView::submitSelected()
{
    const QList<QTreeWidgetItem*> selected = m_queue->selectedItems();
    if (selected.isEmpty())
        return;
    const QString id = selected.first()->data(QueueSession, Qt::UserRole).toString();
    runOnServer(tr("Submitting the review of %1…").arg(id.left(13)),
                [id](team::TeamStore& team, store::Store& local, ServerState& state) {
                    QString error;
                    const auto sent = team.submit(local, id, &error);
                    if (!sent) {
                        state.error = error;
                        return QString();
                    }
                    return tr("Review of %1 submitted (%2 annotations sent).").arg(id.left(13)).arg(*sent);
                });
}

} // namespace trailmark::gui
