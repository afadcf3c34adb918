#pragma once

#include "gui/BackgroundJob.h"

#include <QPointer>
#include <QWidget>

#include <functional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::team {
class TeamStore;
} // namespace trailmark::team

namespace trailmark::gui {

// The Team tab: where this machine's sessions stand on the team store (not pushed,
// partly, pushed) with Push, and the caller's review queue with Claim next, Open and
// Submit. Every server call runs off the GUI thread on its own connection; when the
// server cannot be reached the tab says so and the local sessions stay as they are
// (nothing local is touched by a failed call).
class TeamView final : public QWidget
{
    Q_OBJECT

public:
    explicit TeamView(store::Store& store, QWidget* parent = nullptr);

    // The libpq connection string (--team's, $TRAILMARK_TEAM or Settings by default).
    void setConnectionString(const QString& connectionString);
    QString connectionString() const;
    // Reads the local sessions now and the server's state in the background.
    void refresh();
    // Whether a server call is running (tests wait on it).
    bool isBusy() const { return !m_job.isNull(); }
    QString statusText() const;

signals:
    void openSessionRequested(const QString& sessionId);
    // An expert picked a campaign task to record (its title becomes the session's task,
    // which links the pushed session to it).
    void recordTaskRequested(const QString& title, const QString& instructions);
    // A claim brought a session into the local file.
    void localSessionsChanged();
    void statusMessage(const QString& message);

private:
    struct ServerState;
    // Runs work on a fresh connection off the GUI thread; then shows its outcome.
    void runOnServer(const QString& doing,
                     std::function<QString(team::TeamStore& team, store::Store& local, ServerState& state)> work);
    void showServerState(const ServerState& state);
    void fillLocalSessions();
    void pushSelected(bool allFinished);
    void claimNext();
    void submitSelected();
    void openSelected();
    void updateButtons();

    store::Store& m_store;
    QString m_databasePath;
    QLineEdit* m_connection = nullptr;
    QPushButton* m_connect = nullptr;
    QLabel* m_status = nullptr;
    QTreeWidget* m_sessions = nullptr;
    QTreeWidget* m_tasks = nullptr;
    QLabel* m_instructions = nullptr;
    QPushButton* m_recordTask = nullptr;
    QPushButton* m_push = nullptr;
    QPushButton* m_pushAll = nullptr;
    QLabel* m_waiting = nullptr;
    QTreeWidget* m_queue = nullptr;
    QPushButton* m_claim = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_submit = nullptr;
    QPointer<BackgroundJob> m_job;
    bool m_reachable = false;
    bool m_isReviewer = false;
};

} // namespace trailmark::gui
