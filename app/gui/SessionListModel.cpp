#include "gui/SessionListModel.h"

#include <QDateTime>

namespace trailmark::gui {

QString verdictName(int verdict)
{
    switch (verdict) {
    case v1::Annotation::VERDICT_ACCEPTED:
        return SessionListModel::tr("accepted");
    case v1::Annotation::VERDICT_REJECTED:
        return SessionListModel::tr("rejected");
    case v1::Annotation::VERDICT_NEEDS_WORK:
        return SessionListModel::tr("needs work");
    default:
        return {};
    }
}

QString stateName(int state)
{
    QString name = QString::fromStdString(v1::Session::State_Name(static_cast<v1::Session::State>(state)));
    return name.remove(QStringLiteral("STATE_")).toLower();
}

SessionListModel::SessionListModel(store::Store& store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{}

bool SessionListModel::refresh(QString* error)
{
    auto sessions = m_store.sessionSummaries(error);
    if (!sessions)
        return false;
    beginResetModel();
    m_sessions = std::move(*sessions);
    endResetModel();
    return true;
}

void SessionListModel::setStats(const QString& sessionId, const SessionStats& stats)
{
    m_stats.insert(sessionId, stats);
    for (qsizetype row = 0; row < m_sessions.size(); ++row) {
        if (QString::fromStdString(m_sessions.at(row).session.id()) == sessionId) {
            Q_EMIT dataChanged(index(static_cast<int>(row), 0), index(static_cast<int>(row), ColumnCount - 1));
            return;
        }
    }
}

void SessionListModel::setStepCounts(const QHash<QString, int>& stepCounts)
{
    m_stepCounts.insert(stepCounts);
    if (!m_sessions.isEmpty())
        Q_EMIT dataChanged(index(0, StepsColumn), index(static_cast<int>(m_sessions.size()) - 1, StepsColumn));
}

QStringList SessionListModel::sessionIds() const
{
    QStringList ids;
    for (const auto& summary : m_sessions)
        ids.append(QString::fromStdString(summary.session.id()));
    return ids;
}

int SessionListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_sessions.size());
}

int SessionListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const store::SessionSummary& summary = m_sessions.at(index.row());
    const v1::Session& session = summary.session;
    const QString id = QString::fromStdString(session.id());
    const auto stats = m_stats.constFind(id);
    const bool known = stats != m_stats.cend();

    switch (role) {
    case SessionIdRole:
        return id;
    case StateRole:
        return static_cast<int>(session.state());
    case VerdictRole:
        return known ? stats->verdict : -1;
    case ErrorCountRole:
        return known ? stats->errors : -1;
    case StartedNsRole:
        return static_cast<qint64>(session.started_ns());
    case SearchTextRole: {
        QStringList parts{QString::fromStdString(session.task()), QString::fromStdString(session.expert()),
                          QString::fromStdString(session.host()), id};
        for (const auto& tag : session.tags())
            parts.append(QString::fromStdString(tag));
        return parts.join(QLatin1Char('\n'));
    }
    case Qt::TextAlignmentRole:
        return index.column() >= StepsColumn ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }

    const QString pending = QStringLiteral("…");
    switch (index.column()) {
    case TaskColumn:
        if (!summary.decodeError.isEmpty())
            return tr("(damaged record)");
        return session.task().empty() ? tr("(no task given)") : QString::fromStdString(session.task());
    case StartedColumn:
        return QDateTime::fromMSecsSinceEpoch(session.started_ns() / 1'000'000)
            .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    case DurationColumn: {
        const qint64 end = session.ended_ns() > 0 ? session.ended_ns() : summary.lastEventNs;
        const qint64 minutes = std::max<qint64>(0, end - session.started_ns()) / 60'000'000'000;
        return minutes < 60 ? tr("%1 min").arg(minutes) : tr("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
    }
    case StateColumn:
        return stateName(session.state());
    case VerdictColumn:
        return known ? verdictName(stats->verdict) : pending;
    case StepsColumn:
        if (known)
            return stats->steps;
        return m_stepCounts.contains(id) ? QVariant(m_stepCounts.value(id)) : QVariant(pending);
    case ErrorsColumn:
        return known ? QVariant(stats->errors) : QVariant(pending);
    case RetriesColumn:
        return known ? QVariant(stats->retries) : QVariant(pending);
    case EventsColumn:
        return summary.eventCount;
    default:
        return {};
    }
}

QVariant SessionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TaskColumn:
        return tr("Task");
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case StateColumn:
        return tr("State");
    case VerdictColumn:
        return tr("Verdict");
    case StepsColumn:
        return tr("Steps");
    case ErrorsColumn:
        return tr("Errors");
    case RetriesColumn:
        return tr("Retries");
    case EventsColumn:
        return tr("Events");
    default:
        return {};
    }
}

} // namespace trailmark::gui
