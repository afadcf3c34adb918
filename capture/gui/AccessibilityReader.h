#pragma once

#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace trailmark::capture {

// A UI element as AT-SPI describes it.
struct UiElement
{
    QString role; // "push button", "password text", "text", "check box", ...
    QString name; // "Save"
    QString description;
    QStringList states; // "focused", "checked", "editable", ... (those a reader needs)
    int x = 0;
    int y = 0;
    int width = 0;
    int height = 0;
    QString app; // the accessible application's name
    qint64 pid = 0;
    // From the window down: "frame 'Settings' > panel > push button 'Save'".
    QString path;

    bool isPasswordField() const { return role == QLatin1String("password text"); }
    bool isTerminal() const { return role == QLatin1String("terminal"); }
};

// A dialog or alert an app put up.
struct UiAlert
{
    QString role; // "alert", "dialog"
    QString title;
    QString text; // its labels, one per line
    QString app;
    qint64 pid = 0;
};

// Reads UI elements through AT-SPI (libatspi): the element under a point of the
// screen, the element with the keyboard focus. Turns accessibility on for the desktop
// session while it runs (org.a11y.Status.IsEnabled, put back as it was on stop), so
// apps started during the recording expose their widgets; apps started before stay
// invisible and are named once by runningAppsNotSeen().
//
// AT-SPI is D-Bus: each read is a few round trips to the app, with a short timeout so
// a hung app costs a fraction of a second, never the recording. Focus changes arrive
// as AT-SPI events through GLib's main context, which Qt's event loop runs on Linux.
class AccessibilityReader final : public QObject
{
    Q_OBJECT

public:
    explicit AccessibilityReader(QObject* parent = nullptr);
    ~AccessibilityReader() override;

    // Connects to the accessibility bus; false and why (no D-Bus session, no registry).
    bool start(QString* error);
    void stop();
    bool isRunning() const { return m_running; }
    // Whether the app with this pid is on the AT-SPI registry.
    bool hasApplication(qint64 pid);
    // The deepest element under (x, y) of the app with this pid (the X window under the
    // pointer decides which app, as AT-SPI ignores stacking); nullopt when the app is
    // not accessible or nothing is there. For a scroll (scrollTarget) the element is the
    // container the wheel moves (list 'Files'), not the row that happens to be under it.
    // windowTitle is the title of the X window under the point: of an app's windows that
    // hold the point (a dialog over its main window), the one so named is the one hit.
    std::optional<UiElement> elementAt(int x, int y, qint64 pid, const QString& windowTitle = {},
                                       bool scrollTarget = false);
    // The element at (x, y) of a dialog that appeared lately, as it was then, and the
    // dialog's title: for a click whose window was gone before it could be read (the
    // click closed it).
    std::optional<std::pair<UiElement, QString>> recentDialogElementAt(int x, int y) const;
    // The element that last took the keyboard focus, if it belongs to pid (0: any).
    std::optional<UiElement> focusedElement(qint64 pid);
    // Pids among `pids` whose apps are not on the registry.
    QList<qint64> notAccessible(const QList<qint64>& pids);
    // Whether this reader turned accessibility on (it was off when recording began).
    bool enabledAccessibility() const { return m_enabledByUs; }

Q_SIGNALS:
    // The keyboard focus moved to another element.
    void focusChanged();
    // An app showed an alert or a dialog (an error after an action, most often).
    void alertShown(const trailmark::capture::UiAlert& alert);

private:
    struct Private;
    void onFocus(void* accessible);
    void onWindow(void* accessible);
    std::optional<UiElement> dialogElementAt(int x, int y, qint64 pid, const QString& title) const;
    Private* d = nullptr;
    bool m_running = false;
    bool m_enabledByUs = false;
};

} // namespace trailmark::capture
