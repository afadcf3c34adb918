#pragma once

#include "capture/CaptureSource.h"
#include "capture/x11/X11Display.h"

#include <memory>

class QSocketNotifier;

namespace trailmark::capture {

// Watches the active window on X11 and records AppSwitch / TitleChange events.
//
// Event-driven, never polls: PropertyNotify on the root window for
// _NET_ACTIVE_WINDOW (and _NET_SUPPORTING_WM_CHECK, to notice a window manager that
// starts late) and on the active window for _NET_WM_NAME / WM_NAME. The private xcb
// connection is watched by a QSocketNotifier, so this runs under any Qt platform plugin,
// including a headless QCoreApplication.
class X11WindowSource final : public CaptureSource
{
    Q_OBJECT

public:
    explicit X11WindowSource(QObject* parent = nullptr);
    ~X11WindowSource() override;

    QString name() const override { return QStringLiteral("x11-windows"); }
    SourceSupport supportHere() const override;
    bool start(EventSink& sink, QString* error) override;
    void stop() override;

    // The window whose switch was recorded last (0 before the first).
    xcb_window_t currentWindow() const { return m_current; }

private:
    void processEvents();
    void activeWindowChanged();
    void titleMayHaveChanged(xcb_window_t window);
    void checkWindowManager();
    void watchWindow(xcb_window_t window);
    void deliver(v1::Event& event);

    std::unique_ptr<X11Display> m_display;
    QSocketNotifier* m_notifier = nullptr;
    EventSink* m_sink = nullptr;
    xcb_window_t m_current = XCB_WINDOW_NONE;
    QString m_currentTitle;
    bool m_warnedNoWindowManager = false;
    bool m_warnedConnectionLost = false;
};

} // namespace trailmark::capture
