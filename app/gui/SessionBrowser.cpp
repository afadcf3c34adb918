#include "gui/SessionBrowser.h"

#include "chains/StepCount.h"
#include "chains/TrajectoryBuilder.h"
#include "gui/BackgroundJob.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStackedWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace trailmark::gui {

void SessionFilterModel::setSearchText(const QString& text)
{
    m_search = text.trimmed();
    invalidateFilter();
}

void SessionFilterModel::setState(int state)
{
    m_state = state;
    invalidateFilter();
}

void SessionFilterModel::setVerdict(int verdict)
{
    m_verdict = verdict;
    invalidateFilter();
}

void SessionFilterModel::setErrorsOnly(bool errorsOnly)
{
    m_errorsOnly = errorsOnly;
    invalidateFilter();
}

void SessionFilterModel::setSinceNs(qint64 sinceNs)
{
    m_sinceNs = sinceNs;
    invalidateFilter();
}

bool SessionFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const auto value = [&](int role) {
        return sourceModel()->data(index, role);
    };
    if (!m_search.isEmpty() &&
        !value(SessionListModel::SearchTextRole).toString().contains(m_search, Qt::CaseInsensitive))
        return false;
    if (m_state >= 0 && value(SessionListModel::StateRole).toInt() != m_state)
        return false;
    if (m_verdict >= 0 && value(SessionListModel::VerdictRole).toInt() != m_verdict)
        return false;
    if (m_errorsOnly && value(SessionListModel::ErrorCountRole).toInt() <= 0)
        return false;
    if (m_sinceNs > 0 && value(SessionListModel::StartedNsRole).toLongLong() < m_sinceNs)
        return false;
    return true;
}

SessionBrowser::SessionBrowser(store::Store& store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new SessionListModel(store, this))
    , m_filter(new SessionFilterModel(this))
    , m_search(new QLineEdit(this))
    , m_state(new QComboBox(this))
    , m_verdict(new QComboBox(this))
    , m_since(new QComboBox(this))
    , m_errorsOnly(new QCheckBox(tr("With errors"), this))
    , m_table(new QTableView(this))
    , m_emptyState(new QLabel(this))
    , m_pages(new QStackedWidget(this))
{
    m_filter->setSourceModel(m_model);
    m_filter->setSortRole(Qt::DisplayRole);

    m_search->setObjectName(QStringLiteral("sessionSearch"));
    m_search->setPlaceholderText(tr("Search task, expert, host, tag…"));
    m_search->setClearButtonEnabled(true);
    m_state->setObjectName(QStringLiteral("stateFilter"));
    m_state->addItem(tr("Any state"), -1);
    for (int state : {v1::Session::STATE_RECORDING, v1::Session::STATE_PAUSED, v1::Session::STATE_FINISHED,
                      v1::Session::STATE_INTERRUPTED, v1::Session::STATE_REVIEWED})
        m_state->addItem(stateName(state), state);
    m_verdict->setObjectName(QStringLiteral("verdictFilter"));
    m_verdict->addItem(tr("Any verdict"), -1);
    m_verdict->addItem(tr("Not reviewed"), static_cast<int>(v1::Annotation::VERDICT_UNSPECIFIED));
    for (int verdict :
         {v1::Annotation::VERDICT_ACCEPTED, v1::Annotation::VERDICT_NEEDS_WORK, v1::Annotation::VERDICT_REJECTED})
        m_verdict->addItem(verdictName(verdict), verdict);
    m_since->setObjectName(QStringLiteral("sinceFilter"));
    m_since->addItem(tr("Any time"), 0);
    m_since->addItem(tr("Today"), 1);
    m_since->addItem(tr("Last 7 days"), 7);
    m_since->addItem(tr("Last 30 days"), 30);
    m_errorsOnly->setObjectName(QStringLiteral("errorsOnly"));

    auto* filters = new QHBoxLayout;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_state);
    filters->addWidget(m_verdict);
    filters->addWidget(m_since);
    filters->addWidget(m_errorsOnly);

    m_table->setObjectName(QStringLiteral("sessionTable"));
    m_table->setModel(m_filter);
    m_table->setSortingEnabled(false);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(SessionListModel::TaskColumn, QHeaderView::Stretch);
    for (int column = SessionListModel::StartedColumn; column < SessionListModel::ColumnCount; ++column)
        m_table->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);

    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setTextFormat(Qt::RichText);
    m_emptyState->setMargin(48);
    m_emptyState->setText(
        tr("<h2>No sessions yet</h2>"
           "<p>A session is a recording of you working on one task: the commands you run, the apps you switch to, "
           "and the notes you leave.</p>"
           "<p>Press <b>Record</b> to start one, or import a shell history with "
           "<tt>trailmark import</tt>.</p>"));
    m_pages->addWidget(m_table);
    m_pages->addWidget(m_emptyState);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filters);
    layout->addWidget(m_pages, 1);

    connect(m_search, &QLineEdit::textChanged, this, &SessionBrowser::applyFilters);
    for (QComboBox* combo : {m_state, m_verdict, m_since})
        connect(combo, &QComboBox::currentIndexChanged, this, &SessionBrowser::applyFilters);
    connect(m_errorsOnly, &QCheckBox::toggled, this, &SessionBrowser::applyFilters);
    connect(m_table, &QTableView::activated, this, [this](const QModelIndex& index) {
        Q_EMIT sessionActivated(index.data(SessionListModel::SessionIdRole).toString());
    });
    // From the search box: Enter opens the selected (else the first) match, Down moves
    // into the list, so search-then-open needs no mouse.
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        const QModelIndex target = current.isValid() ? current : m_filter->index(0, 0);
        if (target.isValid())
            Q_EMIT sessionActivated(target.data(SessionListModel::SessionIdRole).toString());
    });
    m_search->installEventFilter(this);
}

bool SessionBrowser::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent*>(event)->key() == Qt::Key_Down && m_filter->rowCount() > 0) {
        m_table->setFocus();
        if (!m_table->currentIndex().isValid())
            m_table->selectRow(0);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

bool SessionBrowser::refresh(QString* error)
{
    const QString selected = currentSessionId();
    if (!m_model->refresh(error))
        return false;
    m_pages->setCurrentWidget(m_model->rowCount() == 0 ? static_cast<QWidget*>(m_emptyState) : m_table);
    QStringList missing;
    for (const QString& id : m_model->sessionIds())
        if (!m_model->hasStats(id))
            missing.append(id);
    if (!missing.isEmpty())
        loadStats(missing);
    for (int row = 0; row < m_filter->rowCount(); ++row)
        if (m_filter->index(row, 0).data(SessionListModel::SessionIdRole).toString() == selected)
            m_table->selectRow(row);
    return true;
}

void SessionBrowser::invalidateStats(const QString& sessionId)
{
    loadStats({sessionId});
}

QString SessionBrowser::currentSessionId() const
{
    const QModelIndex current = m_table->currentIndex();
    return current.isValid() ? current.data(SessionListModel::SessionIdRole).toString() : QString();
}

int SessionBrowser::visibleCount() const
{
    return m_filter->rowCount();
}

void SessionBrowser::applyFilters()
{
    m_filter->setSearchText(m_search->text());
    m_filter->setState(m_state->currentData().toInt());
    m_filter->setVerdict(m_verdict->currentData().toInt());
    m_filter->setErrorsOnly(m_errorsOnly->isChecked());
    const int days = m_since->currentData().toInt();
    qint64 sinceNs = 0;
    if (days > 0) {
        const QDateTime start = QDateTime(QDate::currentDate().addDays(1 - days), QTime(0, 0));
        sinceNs = start.toMSecsSinceEpoch() * 1'000'000;
    }
    m_filter->setSinceNs(sinceNs);
}

void SessionBrowser::loadStats(const QStringList& sessionIds)
{
    // On its own read-only connection. Step counts come first, for every session at
    // once, from counts of events in SQL. Errors and retries still need each session's
    // trajectory, so those follow one session at a time.
    BackgroundJob::start(this, [this, sessionIds, path = m_store.path()](BackgroundJob& job) {
        QString error;
        auto store = store::Store::open(path, store::Store::Access::ReadOnly, &error);
        const auto kindCounts = store ? store->eventKindCounts(sessionIds, &error) : std::nullopt;
        if (!kindCounts) {
            spdlog::warn("session stats: {}", error.toStdString());
            return;
        }
        QHash<QString, int> stepCounts;
        for (auto it = kindCounts->cbegin(); it != kindCounts->cend(); ++it)
            stepCounts.insert(it.key(), static_cast<int>(chains::stepCount(it.value())));
        job.deliver([this, stepCounts] { m_model->setStepCounts(stepCounts); });
        for (const QString& id : sessionIds) {
            if (job.isCancelled())
                return;
            // Outlined: the counts need no step whole, and a session of a million events
            // takes tens of megabytes, not a gigabyte.
            const auto trajectory = chains::TrajectoryBuilder::load(*store, id, {}, nullptr, &error,
                                                                    chains::TrajectoryBuilder::Keep::Outline);
            if (!trajectory) {
                spdlog::warn("session stats of {}: {}", id.toStdString(), error.toStdString());
                continue;
            }
            SessionStats stats;
            // The derived count, as `show` prints it: the SQL count above is an early
            // estimate (it cannot tell a command's file effects, which open no step).
            stats.steps = trajectory->stepCount();
            stats.errors = trajectory->errorCount();
            stats.retries = trajectory->retryCount();
            stats.verdict = static_cast<int>(trajectory->verdict());
            job.deliver([this, id, stats] { m_model->setStats(id, stats); });
        }
        job.deliver([this] { Q_EMIT statsComplete(); });
    });
}

} // namespace trailmark::gui
