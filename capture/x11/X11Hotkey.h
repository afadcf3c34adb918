#pragma once

#include "capture/x11/X11Display.h"

#include <QList>
#include <QObject>

#include <memory>

class QSocketNotifier;

namespace trailmark::capture {

// A global shortcut on X11: a passive key grab on the root window, on a private xcb
// connection. Grabbed once for each combination of the lock modifiers (Caps Lock, Num
// Lock, Scroll Lock), since X matches modifiers exactly and the shortcut must work
// whatever lock is on.
class X11Hotkey : public QObject
{
    Q_OBJECT

public:
    explicit X11Hotkey(QObject* parent = nullptr);
    ~X11Hotkey() override;

    // Grabs a shortcut such as "Ctrl+Alt+N" or "Super+Shift+F9" (modifiers Ctrl,
    // Shift, Alt, Super; key a letter, digit, F1-F24 or Space). False and why when the
    // text is not a shortcut, there is no X server, or another application holds it.
    // Ctrl+Alt+F1..F12 never arrive: the X server's keymap turns them into VT switches.
    bool grab(const QString& shortcut, QString* error);
    void ungrab();
    bool isGrabbed() const { return m_keycode != 0; }

Q_SIGNALS:
    void triggered();

private:
    void processEvents();
    uint16_t lockModifier(uint32_t keysym);

    std::unique_ptr<X11Display> m_display;
    QSocketNotifier* m_notifier = nullptr;
    xcb_keycode_t m_keycode = 0;
    uint16_t m_modifiers = 0;
    uint16_t m_lockMask = 0;
    QList<uint16_t> m_grabbed; // modifier sets actually grabbed
};

} // namespace trailmark::capture
