#pragma once

#include <QString>

#include <xcb/xcb.h>
#include <xcb/xcb_ewmh.h>

#include <memory>
#include <optional>

namespace trailmark::capture {

// What we know about one top-level client window.
struct X11WindowInfo
{
    xcb_window_t window = XCB_WINDOW_NONE;
    QString appClass;    // second string of WM_CLASS
    QString appInstance; // first string of WM_CLASS
    QString title;
    qint64 pid = 0; // 0 when unknown
    QString exe;    // empty when unknown or not readable (another user's process)
};

// One private connection to the X server with the atoms we need. Every X11 part of
// Trailmark (window source, screenshots, hotkey) opens its own, so none depends on the
// Qt platform plugin (offscreen, wayland, xcb) or on another's event queue.
//
// Reads return nullopt when the window vanished or the server refused: windows come and
// go between a notification and our read, and that is not an error worth reporting.
class X11Display
{
public:
    // Connects to $DISPLAY; nullopt and why when there is none or it refuses us.
    static std::unique_ptr<X11Display> connect(QString* error);
    ~X11Display();
    X11Display(const X11Display&) = delete;
    X11Display& operator=(const X11Display&) = delete;

    xcb_connection_t* connection() const { return m_connection; }
    xcb_ewmh_connection_t* ewmh() { return &m_ewmh; }
    xcb_screen_t* screen() const { return m_screen; }
    xcb_window_t root() const { return m_screen->root; }
    QString name() const { return m_name; }
    bool hasError() const { return xcb_connection_has_error(m_connection) != 0; }

    // The window the window manager says is active; XCB_WINDOW_NONE when none (or no
    // window manager maintains _NET_ACTIVE_WINDOW).
    xcb_window_t activeWindow();
    // The window manager's name when one runs and announces itself (EWMH
    // _NET_SUPPORTING_WM_CHECK, checked on both ends as the spec asks); nullopt if none.
    std::optional<QString> windowManagerName();
    // Title (_NET_WM_NAME, else WM_NAME in whatever encoding it has).
    std::optional<QString> title(xcb_window_t window);
    // Class, title, pid and executable of a client window.
    std::optional<X11WindowInfo> windowInfo(xcb_window_t window);
    // Pid of the client that created the window, asked from the server (X-Resource
    // extension); 0 when the extension is missing or the client is not local.
    qint64 pidFromServer(xcb_window_t window);

    xcb_atom_t netWmName() const { return m_ewmh._NET_WM_NAME; }
    xcb_atom_t netActiveWindow() const { return m_ewmh._NET_ACTIVE_WINDOW; }
    xcb_atom_t netSupportingWmCheck() const { return m_ewmh._NET_SUPPORTING_WM_CHECK; }

private:
    X11Display() = default;
    QString decodeTextProperty(xcb_atom_t encoding, const char* data, int length) const;

    xcb_connection_t* m_connection = nullptr;
    xcb_screen_t* m_screen = nullptr;
    xcb_ewmh_connection_t m_ewmh{};
    bool m_ewmhInitialised = false;
    bool m_hasXRes = false;
    xcb_atom_t m_compoundText = XCB_ATOM_NONE;
    QString m_name;
    QString m_hostName;
};

} // namespace trailmark::capture
