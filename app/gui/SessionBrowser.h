#pragma once

#include "gui/SessionListModel.h"

#include <QSortFilterProxyModel>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;

namespace trailmark::gui {

// Filters sessions by search text, state, verdict, errors and age.
class SessionFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    using QSortFilterProxyModel::QSortFilterProxyModel;

    void setSearchText(const QString& text);
    void setState(int state);     // -1: any
    void setVerdict(int verdict); // -1: any, 0: none yet
    void setErrorsOnly(bool errorsOnly);
    void setSinceNs(qint64 sinceNs); // 0: any time

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_search;
    int m_state = -1;
    int m_verdict = -1;
    bool m_errorsOnly = false;
    qint64 m_sinceNs = 0;
};

// The session list with its filter bar. Stats (steps, errors, retries, verdict) are
// derived off the GUI thread, newest session first, and fill in as they arrive.
class SessionBrowser final : public QWidget
{
    Q_OBJECT

public:
    explicit SessionBrowser(store::Store& store, QWidget* parent = nullptr);

    bool refresh(QString* error);
    // Recomputes one session's stats (after a verdict or annotation).
    void invalidateStats(const QString& sessionId);
    SessionListModel* sessionModel() const { return m_model; }
    SessionFilterModel* filterModel() const { return m_filter; }
    QString currentSessionId() const;
    int visibleCount() const;

Q_SIGNALS:
    void sessionActivated(const QString& sessionId);
    void statsComplete();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void applyFilters();
    void loadStats(const QStringList& sessionIds);

    store::Store& m_store;
    SessionListModel* m_model = nullptr;
    SessionFilterModel* m_filter = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_state = nullptr;
    QComboBox* m_verdict = nullptr;
    QComboBox* m_since = nullptr;
    QCheckBox* m_errorsOnly = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_emptyState = nullptr;
    QStackedWidget* m_pages = nullptr;
};

} // namespace trailmark::gui
