#include "SessionListModel.h"

#include <QDateTime>

namespace trailmark::gui {

SessionListModel::SessionListModel(Store& store, QObject* parent)
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
    const SessionSummary& summary = m_sessions.at(index.row());
    const v1::Session& session = summary.session;
    if (role == SessionIdRole)
        return QString::fromStdString(session.id());
    if (role == Qt::TextAlignmentRole && index.column() == EventsColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case TaskColumn:
        if (!summary.decodeError.isEmpty())
            return tr("(damaged record)");
        return session.task().empty() ? tr("(no task given)") : QString::fromStdString(session.task());
    case StartedColumn:
        return QDateTime::fromMSecsSinceEpoch(session.started_ns() / 1'000'000).toString(Qt::ISODate);
    case StateColumn: {
        QString name = QString::fromStdString(v1::Session::State_Name(session.state()));
        return name.remove(QStringLiteral("STATE_")).toLower();
    }
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
    case StateColumn:
        return tr("State");
    case EventsColumn:
        return tr("Events");
    default:
        return {};
    }
}

} // namespace trailmark::gui
