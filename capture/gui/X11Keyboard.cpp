#include "capture/gui/X11Keyboard.h"

#include <spdlog/spdlog.h>

// xcb's XKB header names a member `explicit`, which C++ reserves.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wkeyword-macro"
#endif
#define explicit xkb_explicit
#include <xcb/xkb.h>
#undef explicit
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#include <xkbcommon/xkbcommon-x11.h>
#include <xkbcommon/xkbcommon.h>

namespace trailmark::capture {
namespace {

// XKB's events share one X event code; which one it is comes second.
struct XkbAnyEvent
{
    uint8_t response_type;
    uint8_t xkbType;
    uint16_t sequence;
    xcb_timestamp_t time;
    uint8_t deviceID;
};

bool isModifierKeysym(xkb_keysym_t keysym)
{
    return (keysym >= XKB_KEY_Shift_L && keysym <= XKB_KEY_Hyper_R) || keysym == XKB_KEY_ISO_Level3_Shift ||
           keysym == XKB_KEY_ISO_Level5_Shift || keysym == XKB_KEY_Mode_switch || keysym == XKB_KEY_Num_Lock;
}

} // namespace

X11Keyboard::~X11Keyboard()
{
    xkb_state_unref(m_state);
    xkb_keymap_unref(m_keymap);
    xkb_context_unref(m_context);
}

bool X11Keyboard::start(xcb_connection_t* connection, QString* error)
{
    m_connection = connection;
    uint8_t errorBase = 0;
    if (!xkb_x11_setup_xkb_extension(connection, XKB_X11_MIN_MAJOR_XKB_VERSION, XKB_X11_MIN_MINOR_XKB_VERSION,
                                     XKB_X11_SETUP_XKB_EXTENSION_NO_FLAGS, nullptr, nullptr, &m_eventBase,
                                     &errorBase)) {
        *error = QStringLiteral("the X server has no usable XKB extension: keys cannot be read as text");
        return false;
    }
    m_context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    m_device = xkb_x11_get_core_keyboard_device_id(connection);
    if (!m_context || m_device < 0 || !loadKeymap()) {
        *error = QStringLiteral("cannot read the keymap of the X server's keyboard");
        return false;
    }
    const uint16_t events =
        XCB_XKB_EVENT_TYPE_NEW_KEYBOARD_NOTIFY | XCB_XKB_EVENT_TYPE_MAP_NOTIFY | XCB_XKB_EVENT_TYPE_STATE_NOTIFY;
    const uint16_t mapParts = XCB_XKB_MAP_PART_KEY_TYPES | XCB_XKB_MAP_PART_KEY_SYMS | XCB_XKB_MAP_PART_MODIFIER_MAP |
                              XCB_XKB_MAP_PART_EXPLICIT_COMPONENTS | XCB_XKB_MAP_PART_KEY_ACTIONS |
                              XCB_XKB_MAP_PART_VIRTUAL_MODS | XCB_XKB_MAP_PART_VIRTUAL_MOD_MAP;
    xcb_xkb_select_events(connection, static_cast<xcb_xkb_device_spec_t>(m_device), events, 0, events, mapParts,
                          mapParts, nullptr);
    return true;
}

bool X11Keyboard::loadKeymap()
{
    xkb_keymap* keymap = xkb_x11_keymap_new_from_device(m_context, m_connection, m_device, XKB_KEYMAP_COMPILE_NO_FLAGS);
    if (!keymap)
        return false;
    xkb_state* state = xkb_x11_state_new_from_device(keymap, m_connection, m_device);
    if (!state) {
        xkb_keymap_unref(keymap);
        return false;
    }
    xkb_state_unref(m_state);
    xkb_keymap_unref(m_keymap);
    m_keymap = keymap;
    m_state = state;
    return true;
}

bool X11Keyboard::handleEvent(const xcb_generic_event_t* event)
{
    if (!m_state || (event->response_type & 0x7f) != m_eventBase)
        return false;
    const auto* xkb = reinterpret_cast<const XkbAnyEvent*>(event);
    if (xkb->deviceID != m_device)
        return true;
    switch (xkb->xkbType) {
    case XCB_XKB_NEW_KEYBOARD_NOTIFY:
    case XCB_XKB_MAP_NOTIFY:
        if (!loadKeymap())
            spdlog::warn("gui actions: the keymap changed and cannot be read again; keeping the old one");
        break;
    case XCB_XKB_STATE_NOTIFY: {
        const auto* state = reinterpret_cast<const xcb_xkb_state_notify_event_t*>(event);
        xkb_state_update_mask(m_state, state->baseMods, state->latchedMods, state->lockedMods,
                              static_cast<xkb_layout_index_t>(state->baseGroup),
                              static_cast<xkb_layout_index_t>(state->latchedGroup), state->lockedGroup);
        break;
    }
    default:
        break;
    }
    return true;
}

X11Keyboard::Key X11Keyboard::key(uint32_t keycode) const
{
    Key key;
    if (!m_state)
        return key;
    const xkb_keysym_t keysym = xkb_state_key_get_one_sym(m_state, keycode);
    char name[64] = {};
    if (xkb_keysym_get_name(keysym, name, sizeof name) > 0)
        key.name = QString::fromUtf8(name);
    char text[64] = {};
    if (xkb_state_key_get_utf8(m_state, keycode, text, sizeof text) > 0)
        key.text = QString::fromUtf8(text);
    key.isModifier = isModifierKeysym(keysym);
    key.control = xkb_state_mod_name_is_active(m_state, XKB_MOD_NAME_CTRL, XKB_STATE_MODS_EFFECTIVE) > 0;
    key.alt = xkb_state_mod_name_is_active(m_state, XKB_MOD_NAME_ALT, XKB_STATE_MODS_EFFECTIVE) > 0;
    key.super = xkb_state_mod_name_is_active(m_state, XKB_MOD_NAME_LOGO, XKB_STATE_MODS_EFFECTIVE) > 0;
    key.shift = xkb_state_mod_name_is_active(m_state, XKB_MOD_NAME_SHIFT, XKB_STATE_MODS_EFFECTIVE) > 0;
    return key;
}

} // namespace trailmark::capture
