// Built with QT_NO_KEYWORDS (see capture/CMakeLists.txt): GLib's headers use `signals`
// as a name.
#include "capture/gui/AccessibilityReader.h"

#include "capture/gui/AccessibilityStatus.h"
#include "capture/gui/AtspiTree.h"

#include <QDateTime>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atspi/atspi.h>
#include <gio/gio.h>
#include <utility>
#include <vector>

namespace trailmark::capture {

using namespace atspi;

namespace {

// A hung application costs at most this per AT-SPI call.
constexpr int kCallTimeoutMs = 500;

const char* const kWindowEvents[] = {"window:create", "window:activate"};

} // namespace

struct AccessibilityReader::Private
{
    GDBusConnection* bus = nullptr;
    AtspiEventListener* focusListener = nullptr;
    AtspiEventListener* windowListener = nullptr;
    AtspiAccessible* lastAlert = nullptr; // one reference held
    // Windows announced by window events, newest last (one reference each): an app's
    // list of windows can lag behind a dialog it just opened.
    std::vector<AtspiAccessible*> announced;
    // What the last dialogs held when they appeared: a click that closes one is read
    // after the dialog is gone, so it is matched against this.
    struct DialogSnapshot
    {
        QString title;
        qint64 pid = 0;
        qint64 shownAtMs = 0;
        std::vector<UiElement> elements; // the dialog itself first
    };
    std::vector<DialogSnapshot> dialogs;
    AtspiAccessible* focused = nullptr; // one reference held
};

AccessibilityReader::AccessibilityReader(QObject* parent)
    : QObject(parent)
    , d(new Private)
{}

AccessibilityReader::~AccessibilityReader()
{
    stop();
    delete d;
}

bool AccessibilityReader::start(QString* error)
{
    stop();
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")) {
        *error = QStringLiteral("no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is not set), so no accessibility "
                                "(AT-SPI): actions keep their coordinates but not the UI element");
        return false;
    }
    Error gerror;
    d->bus = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, gerror.out());
    if (!d->bus) {
        *error = QStringLiteral("cannot connect to the D-Bus session bus: %1").arg(gerror.message());
        return false;
    }
    QString why;
    const auto enabled = accessibilityEnabled(d->bus, &why);
    if (!enabled) {
        *error =
            QStringLiteral("the accessibility bus (org.a11y.Bus, package at-spi2-core) does not answer: %1").arg(why);
        g_object_unref(d->bus);
        d->bus = nullptr;
        return false;
    }
    // Apps read this when they start: Qt registers its widgets only if it is on then.
    if (!*enabled && setAccessibilityEnabled(d->bus, true))
        m_enabledByUs = true;

    // Once per process: libatspi keeps its bus connection and caches until exit.
    static const int initResult = atspi_init();
    if (initResult > 1) {
        *error = QStringLiteral("cannot reach the AT-SPI registry (atspi_init returned %1)").arg(initResult);
        stop();
        return false;
    }
    atspi_set_timeout(kCallTimeoutMs, 3000);
    // Events arrive through the main context of the thread that reads them (the
    // desktop app records on a worker thread, whose Qt event loop runs its own).
    GMainContext* context = g_main_context_get_thread_default();
    atspi_set_main_context(context ? context : g_main_context_default());

    d->focusListener = atspi_event_listener_new(
        [](AtspiEvent* event, void* self) {
            if (event->detail1 == 1 && event->source)
                static_cast<AccessibilityReader*>(self)->onFocus(event->source);
            g_boxed_free(ATSPI_TYPE_EVENT, event);
        },
        this, nullptr);
    if (!atspi_event_listener_register(d->focusListener, "object:state-changed:focused", gerror.out())) {
        spdlog::warn("accessibility: cannot follow the keyboard focus: {}", gerror.message().toStdString());
    }
    d->windowListener = atspi_event_listener_new(
        [](AtspiEvent* event, void* self) {
            // Read the window after this callback returns: it runs inside libatspi's
            // D-Bus dispatch, where a call to the app can deadlock libdbus.
            if (event->source) {
                auto* reader = static_cast<AccessibilityReader*>(self);
                auto* window = static_cast<AtspiAccessible*>(g_object_ref(event->source));
                QMetaObject::invokeMethod(
                    reader,
                    [reader, window] {
                        if (reader->m_running)
                            reader->onWindow(window);
                        g_object_unref(window);
                    },
                    Qt::QueuedConnection);
            }
            g_boxed_free(ATSPI_TYPE_EVENT, event);
        },
        this, nullptr);
    for (const char* type : kWindowEvents) {
        if (!atspi_event_listener_register(d->windowListener, type, gerror.out()))
            spdlog::warn("accessibility: cannot follow {}: {}", type, gerror.message().toStdString());
    }
    m_running = true;
    spdlog::info("accessibility: reading UI elements through AT-SPI{}",
                 m_enabledByUs ? " (turned accessibility on for this desktop session)" : "");
    return true;
}

void AccessibilityReader::stop()
{
    if (d->focusListener) {
        atspi_event_listener_deregister(d->focusListener, "object:state-changed:focused", nullptr);
        g_object_unref(d->focusListener);
        d->focusListener = nullptr;
    }
    if (d->windowListener) {
        for (const char* type : kWindowEvents)
            atspi_event_listener_deregister(d->windowListener, type, nullptr);
        g_object_unref(d->windowListener);
        d->windowListener = nullptr;
    }
    if (d->lastAlert) {
        g_object_unref(d->lastAlert);
        d->lastAlert = nullptr;
    }
    for (AtspiAccessible* window : d->announced)
        g_object_unref(window);
    d->announced.clear();
    d->dialogs.clear();
    if (d->focused) {
        g_object_unref(d->focused);
        d->focused = nullptr;
    }
    if (d->bus) {
        // Accessibility goes back to what the user had.
        if (m_enabledByUs)
            setAccessibilityEnabled(d->bus, false);
        g_object_unref(d->bus);
        d->bus = nullptr;
    }
    m_enabledByUs = false;
    m_running = false;
}

void AccessibilityReader::onFocus(void* accessible)
{
    auto* source = static_cast<AtspiAccessible*>(accessible);
    // GTK announces one focus change twice.
    if (source == d->focused)
        return;
    if (d->focused)
        g_object_unref(d->focused);
    d->focused = static_cast<AtspiAccessible*>(g_object_ref(source));
    Q_EMIT focusChanged();
}

void AccessibilityReader::onWindow(void* accessible)
{
    auto* window = static_cast<AtspiAccessible*>(accessible);
    if (std::find(d->announced.begin(), d->announced.end(), window) == d->announced.end()) {
        constexpr size_t kAnnouncedKept = 16;
        if (d->announced.size() == kAnnouncedKept) {
            g_object_unref(d->announced.front());
            d->announced.erase(d->announced.begin());
        }
        d->announced.push_back(static_cast<AtspiAccessible*>(g_object_ref(window)));
    }
    Error error;
    const AtspiRole role = atspi_accessible_get_role(window, error.out());
    if (role != ATSPI_ROLE_ALERT && role != ATSPI_ROLE_DIALOG && role != ATSPI_ROLE_NOTIFICATION)
        return;
    // A window announces itself as created and again as activated: one alert, but the
    // second look at it has its final layout.
    if (window == d->lastAlert) {
        for (auto& dialog : d->dialogs) {
            if (dialog.title == nameOf(window) && dialog.pid == pidOf(window)) {
                const QString app = dialog.elements.empty() ? QString() : dialog.elements.front().app;
                dialog.elements.clear();
                snapshot(window, QString(), 0, dialog.elements);
                for (UiElement& element : dialog.elements)
                    element.app = app;
            }
        }
        return;
    }
    if (d->lastAlert)
        g_object_unref(d->lastAlert);
    d->lastAlert = static_cast<AtspiAccessible*>(g_object_ref(window));
    UiAlert alert;
    alert.role = roleName(window);
    alert.title = nameOf(window);
    QStringList lines;
    int visited = 0;
    collectText(window, 0, lines, visited);
    lines.removeAll(alert.title);
    alert.text = lines.join(QLatin1Char('\n')).left(1000);
    if (Ref<AtspiAccessible> app{atspi_accessible_get_application(window, error.out())})
        alert.app = nameOf(app.get());
    alert.pid = pidOf(window);
    Private::DialogSnapshot dialog{alert.title, alert.pid, QDateTime::currentMSecsSinceEpoch(), {}};
    snapshot(window, QString(), 0, dialog.elements);
    for (UiElement& element : dialog.elements)
        element.app = alert.app;
    constexpr size_t kDialogsKept = 4;
    if (d->dialogs.size() == kDialogsKept)
        d->dialogs.erase(d->dialogs.begin());
    d->dialogs.push_back(std::move(dialog));
    Q_EMIT alertShown(alert);
}

bool AccessibilityReader::hasApplication(qint64 pid)
{
    if (!m_running || pid <= 0)
        return false;
    const auto apps = applications();
    return std::any_of(apps.begin(), apps.end(), [pid](const auto& app) { return app.second == pid; });
}

QList<qint64> AccessibilityReader::notAccessible(const QList<qint64>& pids)
{
    QList<qint64> missing;
    if (!m_running)
        return pids;
    const auto apps = applications();
    for (const qint64 pid : pids) {
        if (std::none_of(apps.begin(), apps.end(), [pid](const auto& app) { return app.second == pid; }))
            missing << pid;
    }
    return missing;
}

std::optional<UiElement> AccessibilityReader::elementAt(int x, int y, qint64 pid, const QString& windowTitle,
                                                        bool scrollTarget)
{
    if (!m_running || pid <= 0)
        return std::nullopt;
    for (const auto& [app, appPid] : applications()) {
        if (appPid != pid)
            continue;
        // The window that holds the point. AT-SPI knows no stacking, so a dialog and the
        // window behind it both hold it: the one named as the X window under the pointer
        // wins, then an active one, then the first.
        Ref<AtspiAccessible> window;
        int windowRank = 0;
        Error error;
        // libatspi caches what apps said (children, names, states) and trusts them to
        // announce changes; Qt does not announce every dialog it opens, so a cached
        // answer can name the window behind the dialog: this app is asked afresh. (Not
        // ATSPI_CACHE_NONE for everything: libatspi's own event handling then calls the
        // app from inside D-Bus dispatch and deadlocks.)
        atspi_accessible_clear_cache(app.get());
        std::vector<Ref<AtspiAccessible>> candidates;
        // Newest announced first: a dialog over its window is the likelier target.
        for (auto it = d->announced.rbegin(); it != d->announced.rend(); ++it) {
            if (pidOf(*it) == pid)
                candidates.emplace_back(static_cast<AtspiAccessible*>(g_object_ref(*it)));
        }
        const gint windows = atspi_accessible_get_child_count(app.get(), error.out());
        for (gint i = 0; i < windows; ++i) {
            if (Ref<AtspiAccessible> child{atspi_accessible_get_child_at_index(app.get(), i, error.out())})
                candidates.push_back(std::move(child));
        }
        for (Ref<AtspiAccessible>& candidate : candidates) {
            if (!candidate || !hasState(candidate.get(), ATSPI_STATE_SHOWING))
                continue;
            Ref<AtspiComponent> component(atspi_accessible_get_component_iface(candidate.get()));
            if (!component || !atspi_component_contains(component.get(), x, y, ATSPI_COORD_TYPE_SCREEN, error.out()))
                continue;
            const int rank = !windowTitle.isEmpty() && nameOf(candidate.get()) == windowTitle ? 3
                             : hasState(candidate.get(), ATSPI_STATE_ACTIVE)                  ? 2
                                                                                              : 1;
            if (rank > windowRank) {
                window = std::move(candidate);
                windowRank = rank;
            }
            if (rank == 3)
                break;
        }
        if (windowRank < 3 && !windowTitle.isEmpty()) {
            // The X window under the pointer is a dialog AT-SPI no longer shows (the
            // click closed it): answer from what it held when it appeared.
            if (auto element = dialogElementAt(x, y, pid, windowTitle))
                return element;
        }
        if (!window)
            return std::nullopt;
        // Down to the deepest element at the point (Qt answers with the deepest at once,
        // GTK one level at a time).
        Ref<AtspiAccessible> deepest(static_cast<AtspiAccessible*>(g_object_ref(window.get())));
        for (int depth = 0; depth < kMaxDepth; ++depth) {
            Ref<AtspiComponent> component(atspi_accessible_get_component_iface(deepest.get()));
            if (!component)
                break;
            Ref<AtspiAccessible> child(
                atspi_component_get_accessible_at_point(component.get(), x, y, ATSPI_COORD_TYPE_SCREEN, error.out()));
            if (!child || child.get() == deepest.get())
                break;
            deepest = std::move(child);
        }
        if (scrollTarget) {
            if (Ref<AtspiAccessible> container = scrollableAncestor(deepest.get()))
                return describe(container.get());
        }
        return describe(deepest.get());
    }
    return std::nullopt;
}

std::optional<std::pair<UiElement, QString>> AccessibilityReader::recentDialogElementAt(int x, int y) const
{
    constexpr qint64 kRecentMs = 60'000;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (auto dialog = d->dialogs.rbegin(); dialog != d->dialogs.rend(); ++dialog) {
        if (now - dialog->shownAtMs > kRecentMs || dialog->elements.empty())
            continue;
        const UiElement& window = dialog->elements.front();
        if (x < window.x || y < window.y || x >= window.x + window.width || y >= window.y + window.height)
            continue;
        if (auto element = dialogElementAt(x, y, dialog->pid, dialog->title))
            return std::make_pair(*element, dialog->title);
    }
    return std::nullopt;
}

std::optional<UiElement> AccessibilityReader::dialogElementAt(int x, int y, qint64 pid, const QString& title) const
{
    for (auto dialog = d->dialogs.rbegin(); dialog != d->dialogs.rend(); ++dialog) {
        if (dialog->pid != pid || dialog->title != title)
            continue;
        const UiElement* smallest = nullptr;
        for (const UiElement& element : dialog->elements) {
            if (x < element.x || y < element.y || x >= element.x + element.width || y >= element.y + element.height)
                continue;
            if (!smallest || element.width * element.height < smallest->width * smallest->height)
                smallest = &element;
        }
        if (smallest)
            return *smallest;
    }
    return std::nullopt;
}

std::optional<UiElement> AccessibilityReader::focusedElement(qint64 pid)
{
    if (!m_running)
        return std::nullopt;
    if (d->focused && hasState(d->focused, ATSPI_STATE_FOCUSED)) {
        UiElement element = describe(d->focused);
        if (pid <= 0 || element.pid == pid)
            return element;
    }
    // No focus event told us (the element had the focus before accessibility was on,
    // or the app announces none): ask the app's windows.
    if (pid <= 0)
        return std::nullopt;
    for (const auto& [app, appPid] : applications()) {
        if (appPid != pid)
            continue;
        atspi_accessible_clear_cache(app.get());
        int visited = 0;
        if (Ref<AtspiAccessible> found = findFocused(app.get(), 0, visited)) {
            if (d->focused)
                g_object_unref(d->focused);
            d->focused = static_cast<AtspiAccessible*>(g_object_ref(found.get()));
            return describe(found.get());
        }
    }
    return std::nullopt;
}

} // namespace trailmark::capture
