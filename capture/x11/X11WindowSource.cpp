#include "capture/x11/X11WindowSource.h"

#include "trailmark/v1/event.pb.h"

#include <QSocketNotifier>

#include <spdlog/spdlog.h>

#include <cstdlib>

namespace trailmark::capture {

X11WindowSource::X11WindowSource(QObject* parent)
    : CaptureSource(parent)
{}

X11WindowSource::~X11WindowSource()
{
    stop();
}

SourceSupport X11WindowSource::supportHere() const
{
    if (m_display)
        return {true, {}};
    QString error;
    if (!X11Display::connect(&error))
        return {false, error};
    return {true, {}};
}

bool X11WindowSource::start(EventSink& sink, QString* error)
{
    stop();
    m_display = X11Display::connect(error);
    if (!m_display)
        return false;
    m_sink = &sink;
    m_current = XCB_WINDOW_NONE;
    m_currentTitle.clear();
    m_warnedNoWindowManager = false;
    m_warnedConnectionLost = false;

    // Select first, then read: a change between the two is then never missed.
    const uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(m_display->connection(), m_display->root(), XCB_CW_EVENT_MASK, &mask);
    xcb_flush(m_display->connection());

    m_notifier = new QSocketNotifier(xcb_get_file_descriptor(m_display->connection()), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &X11WindowSource::processEvents);

    checkWindowManager();
    activeWindowChanged();
    // Replies read above may have pulled events into xcb's queue, which the socket
    // notifier would not report.
    processEvents();
    spdlog::info("x11: watching the active window on DISPLAY={}", m_display->name().toStdString());
    return true;
}

void X11WindowSource::stop()
{
    delete m_notifier;
    m_notifier = nullptr;
    m_display.reset();
    m_sink = nullptr;
}

void X11WindowSource::checkWindowManager()
{
    if (const auto name = m_display->windowManagerName()) {
        if (m_warnedNoWindowManager)
            spdlog::info("x11: window manager '{}' is running now", name->toStdString());
        m_warnedNoWindowManager = false;
        return;
    }
    if (!m_warnedNoWindowManager) {
        m_warnedNoWindowManager = true;
        const QString message =
            QStringLiteral("no window manager is running on DISPLAY=%1 (no _NET_SUPPORTING_WM_CHECK): "
                           "window switches cannot be seen until one starts")
                .arg(m_display->name());
        spdlog::warn("x11: {}", message.toStdString());
        Q_EMIT warning(message);
    }
}

void X11WindowSource::processEvents()
{
    if (!m_display)
        return;
    while (xcb_generic_event_t* event = xcb_poll_for_event(m_display->connection())) {
        const uint8_t type = event->response_type & 0x7f;
        if (type == XCB_PROPERTY_NOTIFY) {
            const auto* property = reinterpret_cast<const xcb_property_notify_event_t*>(event);
            if (property->window == m_display->root()) {
                if (property->atom == m_display->netActiveWindow())
                    activeWindowChanged();
                else if (property->atom == m_display->netSupportingWmCheck())
                    checkWindowManager();
            } else if (property->atom == m_display->netWmName() || property->atom == XCB_ATOM_WM_NAME) {
                titleMayHaveChanged(property->window);
            }
        }
        // Errors (type 0) come from windows that vanished under an unchecked request
        // (selecting input on a window that was just destroyed): nothing to do.
        std::free(event);
        if (!m_display)
            return; // stopped from a slot connected to an event we delivered
    }
    if (m_display->hasError() && !m_warnedConnectionLost) {
        m_warnedConnectionLost = true;
        const QString message =
            QStringLiteral("lost the connection to the X server on DISPLAY=%1: window switches are no longer recorded")
                .arg(m_display->name());
        spdlog::error("x11: {}", message.toStdString());
        m_notifier->setEnabled(false);
        // The session says where its window record ends, so a reader does not take the
        // last window for where the expert stayed.
        v1::Event gap;
        gap.mutable_marker()->set_kind(v1::Marker::KIND_GAP);
        gap.mutable_marker()->set_label(QStringLiteral("X display %1 lost: window activity not recorded from here")
                                            .arg(m_display->name())
                                            .toStdString());
        deliver(gap);
        Q_EMIT warning(message);
    }
}

void X11WindowSource::watchWindow(xcb_window_t window)
{
    // Our own event mask on another client's window; the client's masks are separate.
    if (m_current != XCB_WINDOW_NONE) {
        const uint32_t none = XCB_EVENT_MASK_NO_EVENT;
        xcb_change_window_attributes(m_display->connection(), m_current, XCB_CW_EVENT_MASK, &none);
    }
    const uint32_t mask = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(m_display->connection(), window, XCB_CW_EVENT_MASK, &mask);
}

void X11WindowSource::activeWindowChanged()
{
    const xcb_window_t window = m_display->activeWindow();
    // Window managers set None for a moment between two windows (and when the desktop
    // has focus); the next real window is what matters.
    if (window == XCB_WINDOW_NONE || window == m_current)
        return;
    watchWindow(window);
    const auto info = m_display->windowInfo(window);
    if (!info) {
        // Gone before we could read it; the window manager will announce the next one.
        spdlog::debug("x11: active window {:#x} vanished before it was read", window);
        const uint32_t none = XCB_EVENT_MASK_NO_EVENT;
        xcb_change_window_attributes(m_display->connection(), window, XCB_CW_EVENT_MASK, &none);
        return;
    }
    m_current = window;
    m_currentTitle = info->title;

    v1::Event event;
    auto* body = event.mutable_app_switch();
    body->set_app_class(info->appClass.toStdString());
    body->set_app_instance(info->appInstance.toStdString());
    body->set_title(info->title.toStdString());
    body->set_pid(info->pid);
    body->set_exe(info->exe.toStdString());
    body->set_window_id(window);
    deliver(event);
}

void X11WindowSource::titleMayHaveChanged(xcb_window_t window)
{
    // Notifications for a window we no longer watch can still be in the queue.
    if (window != m_current)
        return;
    const auto title = m_display->title(window);
    // Both _NET_WM_NAME and WM_NAME change for one retitle; only a new value counts.
    if (!title || *title == m_currentTitle)
        return;
    m_currentTitle = *title;
    v1::Event event;
    auto* body = event.mutable_title_change();
    body->set_title(title->toStdString());
    body->set_window_id(window);
    deliver(event);
}

void X11WindowSource::deliver(v1::Event& event)
{
    QString error;
    if (!m_sink->record(event, &error)) {
        spdlog::error("x11: cannot record a window event: {}", error.toStdString());
        Q_EMIT warning(QStringLiteral("cannot record a window event: %1").arg(error));
    }
}

} // namespace trailmark::capture
