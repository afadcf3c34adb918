#pragma once

#include "trailmark/v1/event.pb.h"

#include <QString>

#include <functional>
#include <optional>

namespace trailmark::capture {

// One raw input as the GUI action source reads it: a button or key going down or up,
// where the pointer was, and for keys what the keymap says it is.
struct RawInput
{
    enum class Type
    {
        ButtonPress,
        ButtonRelease,
        KeyPress,
    };
    Type type = Type::ButtonPress;
    qint64 timeNs = 0;
    // The pointer on the screen when the input arrived.
    int x = 0;
    int y = 0;
    // X button number: 1 left, 2 middle, 3 right, 4-7 wheel up, down, left, right.
    int button = 0;
    // Keys: the keysym's name ("a", "Return", "ctrl" never: modifiers come as flags),
    // the text it types (empty for keys that type nothing) and the modifiers held.
    QString keyName;
    QString text;
    bool isModifier = false; // Shift, Control, Alt, Super themselves
    bool control = false;
    bool alt = false;
    bool super = false;
    bool shift = false;
};

// Turns raw input into the actions people and computer-use agents think in: click,
// double and triple click, right and middle click, drag, scroll (coalesced), typed
// text (coalesced), key, hotkey. Pure logic with its own clock (the inputs' times), so
// it is tested without an X server.
//
// When an action begins, `contextAt` is asked for what the source knows at that
// instant (the window and UI element under the pointer or focused, the keyframe); the
// aggregator fills in the action itself (kind, coordinates, text, keys, duration) and
// hands the finished action to `emitAction`. An action is finished when the next input
// cannot belong to it, or at deadline(): a click waits kMultiClickMs for a second click,
// typing waits kTypingPauseMs, a scroll kScrollPauseMs.
class ActionAggregator
{
public:
    static constexpr qint64 kMultiClickMs = 400;
    static constexpr int kMultiClickDistance = 5; // pixels, either axis
    static constexpr int kDragDistance = 6;       // pixels moved with button 1 down
    static constexpr qint64 kScrollPauseMs = 500;
    static constexpr qint64 kTypingPauseMs = 2000;

    struct Context
    {
        v1::GuiAction action; // window, element and keyframe fields, as far as known
        // The element takes text that must not be stored (a password field).
        bool textWithheld = false;
        QString withheldReason; // "%1 characters into a password field" style, %1 = count
    };
    using ContextProvider = std::function<Context(const RawInput& input, bool pointerAction)>;
    // The finished action and when it began (Unix ns).
    using ActionSink = std::function<void(v1::GuiAction& action, qint64 startNs)>;

    ActionAggregator(int screenWidth, int screenHeight, ContextProvider contextAt, ActionSink emitAction);

    void setScreenSize(int width, int height);
    void add(const RawInput& input);
    // The keyboard focus moved: typing so far is one action.
    void focusChanged();
    // Finishes what is due by nowNs (a click with no second click, a pause in typing).
    void advanceTo(qint64 nowNs);
    // When advanceTo should next be called; nullopt when nothing waits.
    std::optional<qint64> deadline() const;
    // Finishes everything pending (recording stops).
    void flush();

private:
    struct Pending
    {
        Context context;
        v1::GuiAction::Kind kind = v1::GuiAction::KIND_UNSPECIFIED;
        qint64 startNs = 0;
        qint64 lastNs = 0;
        int x = 0;
        int y = 0;
        int button = 0;
        int clicks = 0;
        QString scrollDirection;
        int scrollAmount = 0;
        QString text;
        int typedChars = 0;
    };

    void buttonPress(const RawInput& input);
    void buttonRelease(const RawInput& input);
    void keyPress(const RawInput& input);
    void finishPointer();
    void finishTyping();
    void emitKey(const RawInput& input, const QString& keys);
    void emitPending(Pending& pending, int endX, int endY);
    void setPoint(v1::GuiAction& action, int x, int y) const;

    int m_screenWidth;
    int m_screenHeight;
    ContextProvider m_contextAt;
    ActionSink m_emit;
    // A pointer action: a button held (pressed), or a click waiting for a second
    // click, or a scroll waiting for more turns of the wheel.
    std::optional<Pending> m_pointer;
    bool m_buttonDown = false;
    qint64 m_releasedNs = 0;
    // Text typed into the focused element and not yet an action.
    std::optional<Pending> m_typing;
};

// "ctrl+shift+s" from the modifiers and the key's name, as xdotool and pyautogui write
// hotkeys (lowercase letters, modifier order ctrl, alt, shift, super).
QString hotkeyName(const RawInput& input);

} // namespace trailmark::capture
