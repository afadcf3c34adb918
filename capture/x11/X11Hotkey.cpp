#include "capture/x11/X11Hotkey.h"

#include <QSocketNotifier>
#include <QStringList>

#include <spdlog/spdlog.h>
#include <xcb/xcb_keysyms.h>

#include <cstdlib>

namespace trailmark::capture {
namespace {

constexpr uint32_t kNumLockKeysym = 0xff7f;
constexpr uint32_t kScrollLockKeysym = 0xff14;
constexpr uint32_t kF1Keysym = 0xffbe;
constexpr uint8_t kBadAccess = 10;

// Keysym of the key part of a shortcut; 0 when unknown.
uint32_t keysymFor(const QString& key)
{
    const QString lower = key.toLower();
    if (lower.size() == 1 && ((lower.at(0) >= QLatin1Char('a') && lower.at(0) <= QLatin1Char('z')) ||
                              (lower.at(0) >= QLatin1Char('0') && lower.at(0) <= QLatin1Char('9'))))
        return lower.at(0).unicode(); // Latin-1 keysyms equal their code points
    if (lower == QLatin1String("space"))
        return 0x20;
    if (lower.startsWith(QLatin1Char('f'))) {
        bool ok = false;
        const int number = lower.mid(1).toInt(&ok);
        if (ok && number >= 1 && number <= 24)
            return kF1Keysym + static_cast<uint32_t>(number - 1);
    }
    return 0;
}

} // namespace

X11Hotkey::X11Hotkey(QObject* parent)
    : QObject(parent)
{}

X11Hotkey::~X11Hotkey()
{
    ungrab();
}

uint16_t X11Hotkey::lockModifier(uint32_t keysym)
{
    xcb_connection_t* connection = m_display->connection();
    xcb_key_symbols_t* symbols = xcb_key_symbols_alloc(connection);
    xcb_keycode_t* codes = xcb_key_symbols_get_keycode(symbols, keysym);
    xcb_key_symbols_free(symbols);
    if (codes == nullptr)
        return 0;
    uint16_t mask = 0;
    xcb_get_modifier_mapping_reply_t* mapping =
        xcb_get_modifier_mapping_reply(connection, xcb_get_modifier_mapping(connection), nullptr);
    if (mapping != nullptr) {
        const xcb_keycode_t* keys = xcb_get_modifier_mapping_keycodes(mapping);
        const int perModifier = mapping->keycodes_per_modifier;
        for (int modifier = 0; modifier < 8; ++modifier) {
            for (int i = 0; i < perModifier; ++i) {
                const xcb_keycode_t key = keys[modifier * perModifier + i];
                for (const xcb_keycode_t* code = codes; key != 0 && *code != XCB_NO_SYMBOL; ++code) {
                    if (*code == key)
                        mask |= static_cast<uint16_t>(1u << modifier);
                }
            }
        }
        std::free(mapping);
    }
    std::free(codes);
    return mask;
}

bool X11Hotkey::grab(const QString& shortcut, QString* error)
{
    ungrab();
    uint16_t modifiers = 0;
    uint32_t keysym = 0;
    const QStringList parts = shortcut.split(QLatin1Char('+'), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString part = parts.at(i).trimmed().toLower();
        if (i + 1 == parts.size()) {
            keysym = keysymFor(part);
        } else if (part == QLatin1String("ctrl") || part == QLatin1String("control")) {
            modifiers |= XCB_MOD_MASK_CONTROL;
        } else if (part == QLatin1String("shift")) {
            modifiers |= XCB_MOD_MASK_SHIFT;
        } else if (part == QLatin1String("alt")) {
            modifiers |= XCB_MOD_MASK_1;
        } else if (part == QLatin1String("super") || part == QLatin1String("meta") || part == QLatin1String("win")) {
            modifiers |= XCB_MOD_MASK_4;
        } else {
            *error = QStringLiteral("'%1' in shortcut '%2' is not a modifier (Ctrl, Shift, Alt, Super)")
                         .arg(parts.at(i), shortcut);
            return false;
        }
    }
    if (keysym == 0) {
        *error = QStringLiteral("'%1' does not end in a key (a letter, a digit, F1-F24 or Space)").arg(shortcut);
        return false;
    }
    m_display = X11Display::connect(error);
    if (!m_display)
        return false;
    xcb_connection_t* connection = m_display->connection();
    xcb_key_symbols_t* symbols = xcb_key_symbols_alloc(connection);
    xcb_keycode_t* codes = xcb_key_symbols_get_keycode(symbols, keysym);
    xcb_key_symbols_free(symbols);
    const xcb_keycode_t keycode = codes != nullptr ? codes[0] : 0;
    std::free(codes);
    if (keycode == 0 || keycode == XCB_NO_SYMBOL) {
        *error = QStringLiteral("the keyboard of DISPLAY=%1 has no key for '%2'").arg(m_display->name(), shortcut);
        m_display.reset();
        return false;
    }

    const uint16_t locks[] = {XCB_MOD_MASK_LOCK, lockModifier(kNumLockKeysym), lockModifier(kScrollLockKeysym)};
    QList<uint16_t> combinations{0};
    for (const uint16_t lock : locks) {
        if (lock == 0 || (m_lockMask & lock) != 0)
            continue;
        m_lockMask |= lock;
        const QList<uint16_t> before = combinations;
        for (const uint16_t combination : before)
            combinations.append(combination | lock);
    }
    QList<xcb_void_cookie_t> cookies;
    for (const uint16_t combination : std::as_const(combinations))
        cookies.append(xcb_grab_key_checked(connection, 1, m_display->root(), modifiers | combination, keycode,
                                            XCB_GRAB_MODE_ASYNC, XCB_GRAB_MODE_ASYNC));
    bool taken = false;
    uint8_t otherError = 0;
    for (qsizetype i = 0; i < cookies.size(); ++i) {
        xcb_generic_error_t* grabError = xcb_request_check(connection, cookies.at(i));
        if (grabError == nullptr) {
            m_grabbed.append(modifiers | combinations.at(i));
            continue;
        }
        if (grabError->error_code == kBadAccess)
            taken = true;
        else
            otherError = grabError->error_code;
        std::free(grabError);
    }
    m_keycode = keycode;
    m_modifiers = modifiers;
    if (taken || otherError != 0) {
        ungrab();
        *error = taken ? QStringLiteral("the shortcut %1 is already taken by another application on DISPLAY=%2; "
                                        "choose another one")
                             .arg(shortcut, qEnvironmentVariable("DISPLAY"))
                       : QStringLiteral("the X server refused to grab %1 (error %2)").arg(shortcut).arg(otherError);
        return false;
    }
    m_notifier = new QSocketNotifier(xcb_get_file_descriptor(connection), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &X11Hotkey::processEvents);
    processEvents();
    spdlog::info("hotkey {} grabbed ({} lock combinations)", shortcut.toStdString(), m_grabbed.size());
    return true;
}

void X11Hotkey::ungrab()
{
    delete m_notifier;
    m_notifier = nullptr;
    if (m_display) {
        for (const uint16_t modifiers : std::as_const(m_grabbed))
            xcb_ungrab_key(m_display->connection(), m_keycode, m_display->root(), modifiers);
        xcb_flush(m_display->connection());
    }
    m_grabbed.clear();
    m_keycode = 0;
    m_modifiers = 0;
    m_lockMask = 0;
    m_display.reset();
}

void X11Hotkey::processEvents()
{
    if (!m_display)
        return;
    while (xcb_generic_event_t* event = xcb_poll_for_event(m_display->connection())) {
        if ((event->response_type & 0x7f) == XCB_KEY_PRESS) {
            const auto* press = reinterpret_cast<const xcb_key_press_event_t*>(event);
            if (press->detail == m_keycode && (press->state & ~m_lockMask & 0xff) == m_modifiers) {
                std::free(event);
                Q_EMIT triggered();
                if (!m_display)
                    return;
                continue;
            }
        }
        std::free(event);
    }
}

} // namespace trailmark::capture
