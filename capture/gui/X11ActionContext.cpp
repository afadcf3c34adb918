// Where an action happened: the window under the pointer (or focused), the UI element
// AT-SPI reads there, and the keyframe of the screen just before it.
#include "capture/gui/AccessibilityReader.h"
#include "capture/gui/X11InputSource.h"
#include "capture/gui/XcbReply.h"
#include "capture/redact/TerminalWindows.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/screenshot/ScreenGrabber.h"
#include "capture/x11/X11Display.h"
#include "trailmark/v1/event.pb.h"

#include <QBuffer>
#include <QImage>

#include <spdlog/spdlog.h>

namespace trailmark::capture {
namespace {

// Walking from the window manager's frame down to the client window.
constexpr int kMaxWindowDepth = 8;
// QImage's PNG "quality" is the inverse of zlib's level: 80 is level 2.
constexpr int kKeyframePngQuality = 80;

} // namespace

X11InputSource::Pointer X11InputSource::queryPointer()
{
    Pointer pointer = m_pointer;
    xcb_connection_t* connection = m_display->connection();
    Reply<xcb_query_pointer_reply_t> reply(
        xcb_query_pointer_reply(connection, xcb_query_pointer(connection, m_display->root()), nullptr));
    if (!reply)
        return pointer;
    pointer.x = reply->root_x;
    pointer.y = reply->root_y;
    pointer.client = reply->child == XCB_WINDOW_NONE ? xcb_window_t{XCB_WINDOW_NONE} : clientWindowAt(reply->child);
    pointer.windowX = pointer.x;
    pointer.windowY = pointer.y;
    pointer.info = pointer.client != XCB_WINDOW_NONE ? m_display->windowInfo(pointer.client) : std::nullopt;
    if (pointer.client != XCB_WINDOW_NONE) {
        Reply<xcb_translate_coordinates_reply_t> local(xcb_translate_coordinates_reply(
            connection,
            xcb_translate_coordinates(connection, m_display->root(), pointer.client, static_cast<int16_t>(pointer.x),
                                      static_cast<int16_t>(pointer.y)),
            nullptr));
        if (local) {
            pointer.windowX = local->dst_x;
            pointer.windowY = local->dst_y;
        }
    }
    return pointer;
}

xcb_window_t X11InputSource::clientWindowAt(xcb_window_t frame)
{
    // Under a window manager the child of root is its frame; the client window (the one
    // with WM_STATE) is below it, under the same point.
    xcb_connection_t* connection = m_display->connection();
    xcb_window_t window = frame;
    for (int depth = 0; depth < kMaxWindowDepth && window != XCB_WINDOW_NONE; ++depth) {
        Reply<xcb_get_property_reply_t> state(xcb_get_property_reply(
            connection, xcb_get_property(connection, 0, window, m_wmState, XCB_GET_PROPERTY_TYPE_ANY, 0, 0), nullptr));
        if (state && state->type != XCB_ATOM_NONE)
            return window;
        Reply<xcb_query_pointer_reply_t> below(
            xcb_query_pointer_reply(connection, xcb_query_pointer(connection, window), nullptr));
        if (!below)
            break;
        window = below->child;
    }
    return frame; // no WM_STATE anywhere (no window manager): the top-level is the client
}

ActionAggregator::Context X11InputSource::contextAt(const RawInput& input, bool pointerAction)
{
    ActionAggregator::Context context;
    v1::GuiAction& action = context.action;
    const xcb_window_t window = pointerAction ? m_pointer.client : m_display->activeWindow();
    action.set_window_id(window);
    if (pointerAction) {
        action.set_window_x(m_pointer.windowX);
        action.set_window_y(m_pointer.windowY);
    }
    bool excluded = false;
    if (window != XCB_WINDOW_NONE) {
        if (const auto info = pointerAction ? m_pointer.info : m_display->windowInfo(window)) {
            action.set_app_class(info->appClass.toStdString());
            action.set_window_title(info->title.toStdString());
            action.set_pid(info->pid);
            excluded =
                m_exclusions && m_exclusions->isExcluded({info->appClass, info->appInstance, info->title, info->exe});
        }
    }
    if (action.pid() == m_ownPid)
        return context;
    if (excluded) {
        // The expert acted in an excluded window: that it happened stays, what it showed
        // and what was typed do not.
        action.clear_window_title();
        action.set_element_status(v1::GuiAction::ELEMENT_STATUS_UNSPECIFIED);
        context.textWithheld = true;
        context.withheldReason = QStringLiteral("typed %1 characters into an excluded window");
        return context;
    }

    std::optional<UiElement> element;
    if (pointerAction && !m_pointer.info && m_accessibility->isRunning()) {
        // The window under the pointer was gone before it could be read: a click that
        // closed a dialog. What the dialog held when it appeared says what was hit.
        auto hit = m_accessibility->recentDialogElementAt(input.x, input.y);
        // Its X window could not be checked against the exclusions: its app and title are.
        if (hit && m_exclusions && m_exclusions->isExcluded({hit->first.app, hit->first.app, hit->second, QString()})) {
            context.textWithheld = true;
            context.withheldReason = QStringLiteral("typed %1 characters into an excluded window");
            return context;
        }
        if (hit) {
            element = hit->first;
            action.set_window_title(hit->second.toStdString());
            action.set_pid(element->pid);
            action.set_element_status(v1::GuiAction::ELEMENT_STATUS_FOUND);
        }
    }
    if (!element && !m_accessibility->isRunning()) {
        action.set_element_status(v1::GuiAction::ELEMENT_STATUS_UNAVAILABLE);
    } else if (!element) {
        const bool wheel = input.type == RawInput::Type::ButtonPress && input.button >= 4 && input.button <= 7;
        element = pointerAction ? m_accessibility->elementAt(input.x, input.y, action.pid(),
                                                             QString::fromStdString(action.window_title()), wheel)
                                : m_accessibility->focusedElement(action.pid());
        if (element)
            action.set_element_status(v1::GuiAction::ELEMENT_STATUS_FOUND);
        else if (m_accessibility->hasApplication(action.pid()))
            action.set_element_status(v1::GuiAction::ELEMENT_STATUS_NOT_FOUND);
        else
            action.set_element_status(v1::GuiAction::ELEMENT_STATUS_NO_ACCESSIBILITY);
    }
    if (element) {
        action.set_element_role(element->role.toStdString());
        action.set_element_name(element->name.toStdString());
        action.set_element_description(element->description.toStdString());
        for (const QString& state : element->states)
            action.add_element_states(state.toStdString());
        action.set_element_x(element->x);
        action.set_element_y(element->y);
        action.set_element_width(element->width);
        action.set_element_height(element->height);
        action.set_element_app(element->app.toStdString());
        action.set_element_pid(element->pid);
        action.set_element_path(element->path.toStdString());
    }
    // Text is kept only where it is known to be no secret the redaction rules could miss.
    if (element && element->isPasswordField()) {
        context.textWithheld = true;
        context.withheldReason = QStringLiteral("typed %1 characters into a password field");
    } else if (element && element->isTerminal()) {
        context.textWithheld = true;
        context.withheldReason =
            QStringLiteral("typed %1 characters into a terminal (its commands are recorded by the shell hooks)");
    } else if (!pointerAction && !element) {
        context.textWithheld = true;
        context.withheldReason =
            QStringLiteral("typed %1 characters into a field accessibility could not read (it may take a password)");
    }
    addKeyframe(action);
    return context;
}

void X11InputSource::addKeyframe(v1::GuiAction& action)
{
    if (!m_grabber)
        return;
    // Nothing is taken while an excluded window is in front, even if the action is not
    // in it: the picture would show it.
    const quint64 active = m_grabber->activeWindow();
    if (active != 0 && m_exclusions) {
        if (const auto description = m_grabber->describeWindow(active);
            description && m_exclusions->isExcluded(*description))
            return;
    }
    QString error;
    // Terminals and excluded windows on screen are blacked out (see TerminalWindows.h).
    auto image = m_grabber->grabScreenHiding(
        [this](const WindowDescription& window) { return isKeptOutOfPictures(window, m_exclusions); }, &error);
    if (!image) {
        spdlog::warn("gui actions: no keyframe: {}", error.toStdString());
        return;
    }
    if (!m_lastFrame || *m_lastFrame != *image) {
        QByteArray png;
        QBuffer buffer(&png);
        buffer.open(QIODevice::WriteOnly);
        // Light compression: a screen of flat UI compresses almost as well at zlib level 2
        // as at 6, in a third of the time, and the encoder runs before every action.
        if (!image->save(&buffer, "PNG", kKeyframePngQuality)) {
            spdlog::error("gui actions: cannot encode a {}x{} keyframe", image->width(), image->height());
            return;
        }
        const auto sha256 = m_sink->putBlob(png, QStringLiteral("image/png"), &error);
        if (!sha256) {
            spdlog::warn("gui actions: keyframe not stored: {}", error.toStdString());
            return;
        }
        m_lastFrame = std::make_unique<QImage>(*image);
        m_lastFrameSha = sha256->toStdString();
    }
    action.set_keyframe_sha256(m_lastFrameSha);
    action.set_keyframe_width(static_cast<quint32>(image->width()));
    action.set_keyframe_height(static_cast<quint32>(image->height()));
}

} // namespace trailmark::capture
