#pragma once

#include <QMainWindow>

class QLabel;
class QStackedWidget;
class QTableView;

namespace trailmark {
class Store;
namespace gui {
class SessionListModel;

// The app's window: the list of sessions in the database, with an explanation of how
// to record one when there are none yet.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(Store& store, QWidget* parent = nullptr);

    void refreshSessions();

private:
    Store& m_store;
    SessionListModel* m_sessions = nullptr;
    QStackedWidget* m_pages = nullptr;
    QTableView* m_sessionTable = nullptr;
    QLabel* m_emptyState = nullptr;
};

} // namespace gui
} // namespace trailmark
