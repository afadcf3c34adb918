#pragma once

#include "store/Store.h"

#include <QAbstractTableModel>
#include <QHash>

namespace trailmark::gui {

// What review needs to know about a session beyond its record: derived from its
// steps and annotations, computed off the GUI thread (SessionBrowser::loadStats).
struct SessionStats
{
    int steps = 0;
    int errors = 0;
    int retries = 0;
    int verdict = 0; // v1::Annotation::Verdict
};

// The sessions of a store as a table. Figures that need the steps (steps, errors,
// retries, verdict) show "…" until their stats arrive; step counts may come sooner.
class SessionListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        TaskColumn,
        StartedColumn,
        DurationColumn,
        StateColumn,
        VerdictColumn,
        StepsColumn,
        ErrorsColumn,
        RetriesColumn,
        EventsColumn,
        ColumnCount
    };
    enum Role
    {
        SessionIdRole = Qt::UserRole + 1,
        StateRole,      // v1::Session::State
        VerdictRole,    // v1::Annotation::Verdict, -1 while unknown
        ErrorCountRole, // -1 while unknown
        StartedNsRole,
        SearchTextRole, // task, expert, host, tags: what the search box matches
    };

    explicit SessionListModel(store::Store& store, QObject* parent = nullptr);

    // Reloads from the store; false (and the reason) when it cannot be read. Stats
    // already known for a session are kept.
    bool refresh(QString* error);
    void setStats(const QString& sessionId, const SessionStats& stats);
    // Step counts that arrive before the other stats (they need no trajectory).
    void setStepCounts(const QHash<QString, int>& stepCounts);
    QStringList sessionIds() const;
    bool hasStats(const QString& sessionId) const { return m_stats.contains(sessionId); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    store::Store& m_store;
    QList<store::SessionSummary> m_sessions;
    QHash<QString, SessionStats> m_stats;
    QHash<QString, int> m_stepCounts;
};

QString verdictName(int verdict);
QString stateName(int state);

} // namespace trailmark::gui
