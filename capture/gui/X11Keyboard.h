#pragma once

#include <QString>

#include <xcb/xcb.h>

#include <cstdint>

struct xkb_context;
struct xkb_keymap;
struct xkb_state;

namespace trailmark::capture {

// What one key press is, through the server's keymap (xkbcommon-x11): its keysym's
// name, the text it types and the modifiers held with it. Raw XInput2 events carry only
// keycodes; the modifier state comes from XKB StateNotify events, and a new keymap
// (setxkbmap, a remapping) from NewKeyboardNotify / MapNotify.
class X11Keyboard
{
public:
    struct Key
    {
        QString name; // keysym name: "a", "A", "Return", "Control_L"
        QString text; // UTF-8 text the key types with the current modifiers
        bool isModifier = false;
        bool control = false;
        bool alt = false;
        bool super = false;
        bool shift = false;
    };

    X11Keyboard() = default;
    ~X11Keyboard();
    X11Keyboard(const X11Keyboard&) = delete;
    X11Keyboard& operator=(const X11Keyboard&) = delete;

    // Sets up XKB on the connection, reads the keymap and asks for the events above.
    bool start(xcb_connection_t* connection, QString* error);
    // An event from the connection; true when it was XKB's (consumed).
    bool handleEvent(const xcb_generic_event_t* event);
    Key key(uint32_t keycode) const;

private:
    bool loadKeymap();

    xcb_connection_t* m_connection = nullptr;
    xkb_context* m_context = nullptr;
    xkb_keymap* m_keymap = nullptr;
    xkb_state* m_state = nullptr;
    int32_t m_device = -1;
    uint8_t m_eventBase = 0;
};

} // namespace trailmark::capture
