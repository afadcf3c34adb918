#include "gui/TeamView.h"

#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <memory>

namespace trailmark::gui {
namespace {

enum SessionColumn
{
    SessionId, // shown as when it started; the id is the tooltip and the data
    SessionTask,
    SessionEvents,
    SessionState,
};

enum TaskColumn
{
    TaskTitle, // the instructions are its tooltip and data
    TaskCampaign,
    TaskSessions,
    TaskReviewers,
};

enum QueueColumn
{
    QueueSession,
    QueueExpert,
    QueueTask,
    QueueState,
    QueueUntil,
};

// Set on a local session that the team store says another expert recorded.
constexpr int kSomeoneElsesRole = Qt::UserRole + 1;

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

TeamView::TeamView(store::Store& store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_databasePath(store.path())
    , m_connection(new QLineEdit(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_status(new QLabel(this))
    , m_sessions(new QTreeWidget(this))
    , m_tasks(new QTreeWidget(this))
    , m_instructions(new QLabel(this))
    , m_recordTask(new QPushButton(tr("Record this task"), this))
    , m_push(new QPushButton(tr("Push selected"), this))
    , m_pushAll(new QPushButton(tr("Push all finished"), this))
    , m_waiting(new QLabel(this))
    , m_queue(new QTreeWidget(this))
    , m_claim(new QPushButton(tr("Claim next"), this))
    , m_open(new QPushButton(tr("Open in Review"), this))
    , m_submit(new QPushButton(tr("Submit review"), this))
{
    setObjectName(QStringLiteral("teamView"));
    m_connection->setObjectName(QStringLiteral("teamConnection"));
    m_connection->setPlaceholderText(tr("host=db.example.org dbname=trailmark user=you (passwords in ~/.pgpass)"));
    m_connection->setText(team::TeamStore::connectionString({}));
    m_connect->setObjectName(QStringLiteral("teamConnect"));
    m_status->setObjectName(QStringLiteral("teamStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_sessions->setObjectName(QStringLiteral("teamSessions"));
    m_sessions->setHeaderLabels({tr("Started"), tr("Task"), tr("Events"), tr("On the team store")});
    m_sessions->setRootIsDecorated(false);
    m_sessions->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_sessions->header()->setSectionResizeMode(SessionTask, QHeaderView::Stretch);
    m_sessions->header()->setStretchLastSection(false);
    m_tasks->setObjectName(QStringLiteral("teamTasks"));
    m_tasks->setHeaderLabels({tr("Task"), tr("Campaign"), tr("Sessions"), tr("Reviewers")});
    m_tasks->setRootIsDecorated(false);
    m_tasks->header()->setSectionResizeMode(TaskTitle, QHeaderView::Stretch);
    m_tasks->header()->setStretchLastSection(false);
    m_instructions->setObjectName(QStringLiteral("teamInstructions"));
    m_instructions->setWordWrap(true);
    m_recordTask->setObjectName(QStringLiteral("teamRecordTask"));
    m_push->setObjectName(QStringLiteral("teamPush"));
    m_pushAll->setObjectName(QStringLiteral("teamPushAll"));
    m_waiting->setObjectName(QStringLiteral("teamWaiting"));
    m_queue->setObjectName(QStringLiteral("teamQueue"));
    m_queue->setHeaderLabels({tr("Session"), tr("Expert"), tr("Task"), tr("State"), tr("Until")});
    m_queue->setRootIsDecorated(false);
    m_queue->header()->setSectionResizeMode(QueueTask, QHeaderView::Stretch);
    m_queue->header()->setStretchLastSection(false);
    m_claim->setObjectName(QStringLiteral("teamClaim"));
    m_open->setObjectName(QStringLiteral("teamOpen"));
    m_submit->setObjectName(QStringLiteral("teamSubmit"));

    auto* connectionRow = new QHBoxLayout;
    connectionRow->addWidget(new QLabel(tr("Team store:"), this));
    connectionRow->addWidget(m_connection, 1);
    connectionRow->addWidget(m_connect);

    auto* sessionsBox = new QWidget(this);
    auto* sessionsLayout = new QVBoxLayout(sessionsBox);
    sessionsLayout->setContentsMargins(0, 0, 0, 0);
    sessionsLayout->addWidget(new QLabel(tr("<b>Sessions on this machine</b>"), sessionsBox));
    sessionsLayout->addWidget(m_sessions, 1);
    auto* pushRow = new QHBoxLayout;
    pushRow->addStretch(1);
    pushRow->addWidget(m_push);
    pushRow->addWidget(m_pushAll);
    sessionsLayout->addLayout(pushRow);

    auto* tasksBox = new QWidget(this);
    auto* tasksLayout = new QVBoxLayout(tasksBox);
    tasksLayout->setContentsMargins(0, 0, 0, 0);
    tasksLayout->addWidget(new QLabel(tr("<b>Campaign tasks</b>"), tasksBox));
    tasksLayout->addWidget(m_tasks, 1);
    tasksLayout->addWidget(m_instructions);
    auto* taskRow = new QHBoxLayout;
    taskRow->addStretch(1);
    taskRow->addWidget(m_recordTask);
    tasksLayout->addLayout(taskRow);

    auto* left = new QSplitter(Qt::Vertical, this);
    left->addWidget(sessionsBox);
    left->addWidget(tasksBox);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 2);

    auto* queueBox = new QWidget(this);
    auto* queueLayout = new QVBoxLayout(queueBox);
    queueLayout->setContentsMargins(0, 0, 0, 0);
    queueLayout->addWidget(new QLabel(tr("<b>Your review queue</b>"), queueBox));
    queueLayout->addWidget(m_waiting);
    queueLayout->addWidget(m_queue, 1);
    auto* queueRow = new QHBoxLayout;
    queueRow->addStretch(1);
    queueRow->addWidget(m_claim);
    queueRow->addWidget(m_open);
    queueRow->addWidget(m_submit);
    queueLayout->addLayout(queueRow);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(left);
    splitter->addWidget(queueBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(connectionRow);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_connect, &QPushButton::clicked, this, [this] {
        QSettings().setValue(QLatin1String(team::TeamStore::kSettingsKey), m_connection->text().trimmed());
        refresh();
    });
    connect(m_connection, &QLineEdit::returnPressed, m_connect, &QPushButton::click);
    connect(m_push, &QPushButton::clicked, this, [this] { pushSelected(false); });
    connect(m_pushAll, &QPushButton::clicked, this, [this] { pushSelected(true); });
    connect(m_claim, &QPushButton::clicked, this, &TeamView::claimNext);
    connect(m_submit, &QPushButton::clicked, this, &TeamView::submitSelected);
    connect(m_open, &QPushButton::clicked, this, &TeamView::openSelected);
    connect(m_queue, &QTreeWidget::itemDoubleClicked, this, &TeamView::openSelected);
    connect(m_sessions, &QTreeWidget::itemSelectionChanged, this, &TeamView::updateButtons);
    connect(m_queue, &QTreeWidget::itemSelectionChanged, this, &TeamView::updateButtons);
    connect(m_tasks, &QTreeWidget::itemSelectionChanged, this, [this] {
        const QList<QTreeWidgetItem*> selected = m_tasks->selectedItems();
        m_instructions->setText(selected.isEmpty() ? QString()
                                                   : selected.first()->data(TaskTitle, Qt::UserRole).toString());
        updateButtons();
    });
    connect(m_recordTask, &QPushButton::clicked, this, [this] {
        const QList<QTreeWidgetItem*> selected = m_tasks->selectedItems();
        if (!selected.isEmpty())
            emit recordTaskRequested(selected.first()->text(TaskTitle),
                                     selected.first()->data(TaskTitle, Qt::UserRole).toString());
    });
    m_status->setText(m_connection->text().isEmpty()
                          ? tr("No team store set: enter its connection string and press Connect. Recording and "
                               "review work without one.")
                          : tr("Not connected yet."));
    // Nothing is read here: the app starts without this tab's work, which refresh()
    // does when the tab is shown.
    updateButtons();
}

void TeamView::setConnectionString(const QString& connectionString)
{
    m_connection->setText(connectionString);
}

QString TeamView::connectionString() const
{
    return m_connection->text().trimmed();
}

QString TeamView::statusText() const
{
    return m_status->text();
}

void TeamView::refresh()
{
    fillLocalSessions();
    if (connectionString().isEmpty()) {
        m_status->setText(tr("No team store set: enter its connection string and press Connect."));
        for (int i = 0; i < m_sessions->topLevelItemCount(); ++i) {
            QTreeWidgetItem* item = m_sessions->topLevelItem(i);
            if (item->data(SessionState, Qt::UserRole).toBool())
                item->setText(SessionState, tr("only on this machine"));
        }
        m_sessions->resizeColumnToContents(SessionState);
        return;
    }
    runOnServer(tr("Reading the team store…"),
                [](team::TeamStore&, store::Store&, ServerState&) { return QString(); });
}

void TeamView::fillLocalSessions()
{
    QStringList selected;
    for (const QTreeWidgetItem* item : m_sessions->selectedItems())
        selected.append(item->data(SessionId, Qt::UserRole).toString());
    m_sessions->clear();
    QString error;
    const auto summaries = m_store.sessionSummaries(&error);
    if (!summaries) {
        m_status->setText(tr("Cannot read the local sessions: %1").arg(error));
        return;
    }
    for (const store::SessionSummary& summary : *summaries) {
        if (!summary.decodeError.isEmpty())
            continue;
        const QString id = QString::fromStdString(summary.session.id());
        auto* item = new QTreeWidgetItem(m_sessions);
        item->setText(SessionId, QDateTime::fromMSecsSinceEpoch(summary.session.started_ns() / 1'000'000)
                                     .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        item->setToolTip(SessionId, id);
        item->setData(SessionId, Qt::UserRole, id);
        const bool pushable = team::TeamStore::isPushable(summary.session.state());
        item->setData(SessionState, Qt::UserRole, pushable);
        item->setText(SessionTask, QString::fromStdString(summary.session.task()));
        item->setText(SessionEvents, QString::number(summary.eventCount));
        item->setTextAlignment(SessionEvents, Qt::AlignRight | Qt::AlignVCenter);
        item->setText(SessionState, pushable ? tr("…") : tr("still recording"));
        item->setSelected(selected.contains(id));
    }
    m_sessions->resizeColumnToContents(SessionId);
    m_sessions->resizeColumnToContents(SessionEvents);
    m_sessions->resizeColumnToContents(SessionState);
}

void TeamView::runOnServer(
    const QString& doing,
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

void TeamView::openSelected()
{
    const QList<QTreeWidgetItem*> selected = m_queue->selectedItems();
    if (!selected.isEmpty())
        emit openSessionRequested(selected.first()->data(QueueSession, Qt::UserRole).toString());
}

void TeamView::updateButtons()
{
    const bool idle = m_job.isNull();
    const bool online = idle && m_reachable;
    m_connect->setEnabled(idle);
    m_push->setEnabled(online && !m_sessions->selectedItems().isEmpty());
    m_pushAll->setEnabled(online);
    m_claim->setEnabled(online && m_isReviewer);
    const QList<QTreeWidgetItem*> claims = m_queue->selectedItems();
    const bool openClaim = !claims.isEmpty() && claims.first()->data(QueueState, Qt::UserRole).toBool();
    m_open->setEnabled(!claims.isEmpty());
    m_recordTask->setEnabled(!m_tasks->selectedItems().isEmpty());
    m_submit->setEnabled(online && openClaim);
}

} // namespace trailmark::gui
