#pragma once

#include "capture/CaptureSource.h"
#include "capture/gui/ActionAggregator.h"
#include "capture/x11/X11Display.h"

#include <QTimer>

#include <xcb/xcb.h>

#include <memory>

class QImage;
class QSocketNotifier;

namespace trailmark::capture {

class AccessibilityReader;
struct UiAlert;
class ScreenGrabber;
class WindowExclusionFilter;
class X11Keyboard;

// Records what the expert does inside GUI apps on X11: clicks, drags, scrolls, typed
// text, keys and hotkeys (ActionAggregator), each with the window under the pointer (or
// focused), the UI element read through AT-SPI (AccessibilityReader) and a keyframe,
// the screen just before the action, stored once per content hash.
//
// Event-driven: XInput2 raw key and button events selected on the root window of a
// private xcb connection, read through a QSocketNotifier; the only timer is the
// aggregator's next deadline (a click waiting for a second click).
//
// Privacy before storage: text typed into a password field, a terminal (whose commands
// the shell hooks record, redacted), an element accessibility cannot read, or an
// excluded window is dropped here, leaving "typed N characters into ..."; an excluded
// window gets no keyframe and no title. Trailmark's own windows are not recorded. What
// passes still goes through the session's redaction like every event.
class X11InputSource final : public CaptureSource
{
    Q_OBJECT

public:
    // grabber: keyframes (nullptr: none). exclusions: not owned, outlives the source.
    X11InputSource(std::unique_ptr<ScreenGrabber> grabber, const WindowExclusionFilter* exclusions,
                   QObject* parent = nullptr);
    ~X11InputSource() override;

    QString name() const override { return QStringLiteral("x11-gui-actions"); }
    SourceSupport supportHere() const override;
    bool start(EventSink& sink, QString* error) override;
    void stop() override;

    qint64 actionsRecorded() const { return m_recorded; }

private:
    struct Pointer
    {
        int x = 0;
        int y = 0;
        xcb_window_t client = XCB_WINDOW_NONE;
        int windowX = 0;
        int windowY = 0;
        // Read at once: a click that closes a dialog destroys its window within
        // milliseconds, before the action's context is put together.
        std::optional<X11WindowInfo> info;
    };

    void processEvents();
    void rawEvent(const xcb_generic_event_t* event);
    // Where an action happened (X11ActionContext.cpp).
    Pointer queryPointer();
    xcb_window_t clientWindowAt(xcb_window_t frame);
    ActionAggregator::Context contextAt(const RawInput& input, bool pointerAction);
    void addKeyframe(v1::GuiAction& action);
    void deliver(v1::GuiAction& action, qint64 startNs);
    void armDeadline();
    void recordAlert(const UiAlert& alert);
    void warnAboutInvisibleApps();
    qint64 eventTimeNs(xcb_timestamp_t serverTime);

    std::unique_ptr<ScreenGrabber> m_grabber;
    const WindowExclusionFilter* m_exclusions;
    std::unique_ptr<X11Display> m_display;
    std::unique_ptr<X11Keyboard> m_keyboard;
    std::unique_ptr<AccessibilityReader> m_accessibility;
    std::unique_ptr<ActionAggregator> m_aggregator;
    QSocketNotifier* m_notifier = nullptr;
    QTimer m_deadline;
    EventSink* m_sink = nullptr;
    uint8_t m_xinputOpcode = 0;
    xcb_atom_t m_wmState = XCB_ATOM_NONE;
    Pointer m_pointer;
    qint64 m_serverTimeOffsetNs = 0;
    qint64 m_ownPid = 0;
    // The last keyframe: an unchanged screen is not encoded again.
    std::unique_ptr<QImage> m_lastFrame;
    std::string m_lastFrameSha;
    qint64 m_recorded = 0;
    bool m_warnedConnectionLost = false;
};

} // namespace trailmark::capture
