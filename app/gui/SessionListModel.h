#pragma once

#include "Store.h"

#include <QAbstractTableModel>

namespace trailmark::gui {

// The sessions of a store as a table: task, started, state, events.
class SessionListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        TaskColumn,
        StartedColumn,
        StateColumn,
        EventsColumn,
        ColumnCount
    };
    enum Role
    {
        SessionIdRole = Qt::UserRole + 1,
    };

    explicit SessionListModel(Store& store, QObject* parent = nullptr);

    // Reloads from the store; false (and the reason) when it cannot be read.
    bool refresh(QString* error);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Store& m_store;
    QList<SessionSummary> m_sessions;
};

} // namespace trailmark::gui
