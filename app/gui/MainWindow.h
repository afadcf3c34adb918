#pragma once

#include <QMainWindow>

class QTabWidget;

namespace trailmark {
class Store;
namespace gui {
class ReviewView;
class SessionBrowser;

// The app's window: the session browser and the review of one session, as tabs.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(Store& store, QWidget* parent = nullptr);

    void refreshSessions();
    void openSession(const QString& sessionId);
    SessionBrowser* sessionBrowser() const { return m_browser; }
    ReviewView* reviewView() const { return m_review; }

private:
    void showSettings();
    void showExport();
    void showShortcuts();
    void applySettings();

    Store& m_store;
    QTabWidget* m_tabs = nullptr;
    SessionBrowser* m_browser = nullptr;
    ReviewView* m_review = nullptr;
};

} // namespace gui
} // namespace trailmark
