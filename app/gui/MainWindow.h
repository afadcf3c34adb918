#pragma once

#include <QMainWindow>

class QLabel;
class QSystemTrayIcon;
class QTabWidget;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark {
namespace gui {
class RecordPanel;
class RecordingController;
class ReviewView;
class SessionBrowser;
class TeamView;

// The app's window: the session browser and the review of one session, as tabs.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(store::Store& store, QWidget* parent = nullptr);

    void refreshSessions();
    void openSession(const QString& sessionId);
    SessionBrowser* sessionBrowser() const { return m_browser; }
    ReviewView* reviewView() const { return m_review; }
    RecordPanel* recordPanel() const { return m_recordPanel; }
    RecordingController* recording() const { return m_recording; }
    TeamView* teamView() const { return m_team; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void onRecordingStateChanged();
    void createTrayIcon();
    void grabNoteHotkey();
    void showSettings();
    void showExport();
    void showShortcuts();
    void applySettings();

    store::Store& m_store;
    RecordingController* m_recording = nullptr;
    RecordPanel* m_recordPanel = nullptr;
    QLabel* m_recordingIndicator = nullptr;
    QSystemTrayIcon* m_tray = nullptr;
    QObject* m_noteHotkey = nullptr;
    int m_trayAttempts = 0;
    QTabWidget* m_tabs = nullptr;
    SessionBrowser* m_browser = nullptr;
    ReviewView* m_review = nullptr;
    TeamView* m_team = nullptr;
};

} // namespace gui
} // namespace trailmark
