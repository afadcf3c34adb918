#include "gui/TeamView.h"

#include "gui/TeamViewColumns.h"
#include "store/Store.h"
#include "team/TeamStore.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace trailmark::gui {

using namespace teamcolumns;

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
    runOnServer(tr("Reading the team store…"), [](team::TeamStore&, store::Store&, ServerState&) { return QString(); });
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
