#include "capture/gui/ActionAggregator.h"

#include <QStringList>

#include <cstdlib>

namespace trailmark::capture {
namespace {

constexpr qint64 kNsPerMs = 1'000'000;

bool isWheel(int button)
{
    return button >= 4 && button <= 7;
}

const char* wheelDirection(int button)
{
    switch (button) {
    case 4:
        return "up";
    case 5:
        return "down";
    case 6:
        return "left";
    default:
        return "right";
    }
}

// Keys that end a run of typing and are actions of their own.
bool endsTyping(const QString& keyName)
{
    static const QStringList keys{QStringLiteral("Return"), QStringLiteral("KP_Enter"), QStringLiteral("Tab"),
                                  QStringLiteral("ISO_Left_Tab"), QStringLiteral("Escape")};
    return keys.contains(keyName);
}

// Text a key types into a field: printable characters, not the control characters
// the keymap gives Return, Tab, BackSpace or Delete.
bool typesText(const QString& text)
{
    if (text.isEmpty())
        return false;
    for (const QChar c : text) {
        if (c.category() == QChar::Other_Control)
            return false;
    }
    return true;
}

qsizetype characterCount(const QString& text)
{
    return text.toUcs4().size();
}

} // namespace

QString hotkeyName(const RawInput& input)
{
    QStringList parts;
    if (input.control)
        parts << QStringLiteral("ctrl");
    if (input.alt)
        parts << QStringLiteral("alt");
    if (input.shift)
        parts << QStringLiteral("shift");
    if (input.super)
        parts << QStringLiteral("super");
    // With Shift held the keysym is the shifted one ("S", "exclam"); the hotkey names the
    // key as printed on it, the way ctrl+shift+s is written.
    QString key = input.keyName;
    if (key.size() == 1)
        key = key.toLower();
    parts << key;
    return parts.join(QLatin1Char('+'));
}

ActionAggregator::ActionAggregator(int screenWidth, int screenHeight, ContextProvider contextAt, ActionSink emitAction)
    : m_screenWidth(screenWidth)
    , m_screenHeight(screenHeight)
    , m_contextAt(std::move(contextAt))
    , m_emit(std::move(emitAction))
{}

void ActionAggregator::setScreenSize(int width, int height)
{
    m_screenWidth = width;
    m_screenHeight = height;
}

void ActionAggregator::add(const RawInput& input)
{
    advanceTo(input.timeNs);
    switch (input.type) {
    case RawInput::Type::ButtonPress:
        buttonPress(input);
        break;
    case RawInput::Type::ButtonRelease:
        buttonRelease(input);
        break;
    case RawInput::Type::KeyPress:
        keyPress(input);
        break;
    }
}

void ActionAggregator::buttonPress(const RawInput& input)
{
    finishTyping();
    if (isWheel(input.button)) {
        const QString direction = QLatin1String(wheelDirection(input.button));
        if (m_pointer && m_pointer->kind == v1::GuiAction::KIND_SCROLL && m_pointer->scrollDirection == direction) {
            ++m_pointer->scrollAmount;
            m_pointer->lastNs = input.timeNs;
            return;
        }
        if (!m_buttonDown)
            finishPointer();
        if (m_pointer)
            return; // wheel turned with a button held: the drag or click is what counts
        Pending scroll;
        scroll.context = m_contextAt(input, true);
        scroll.kind = v1::GuiAction::KIND_SCROLL;
        scroll.startNs = scroll.lastNs = input.timeNs;
        scroll.x = input.x;
        scroll.y = input.y;
        scroll.scrollDirection = direction;
        scroll.scrollAmount = 1;
        m_pointer = std::move(scroll);
        return;
    }
    if (input.button < 1 || input.button > 3)
        return; // back/forward side buttons: no action of the vocabulary
    if (m_pointer && !m_buttonDown && m_pointer->button == 1 && input.button == 1 && m_pointer->clicks < 3 &&
        input.timeNs - m_releasedNs <= kMultiClickMs * kNsPerMs &&
        std::abs(input.x - m_pointer->x) <= kMultiClickDistance &&
        std::abs(input.y - m_pointer->y) <= kMultiClickDistance) {
        ++m_pointer->clicks;
        m_pointer->lastNs = input.timeNs;
        m_buttonDown = true;
        return;
    }
    if (m_buttonDown)
        return; // a second button while one is held: the first one's action goes on
    finishPointer();
    Pending click;
    click.context = m_contextAt(input, true);
    click.kind = input.button == 1   ? v1::GuiAction::KIND_CLICK
                 : input.button == 2 ? v1::GuiAction::KIND_MIDDLE_CLICK
                                     : v1::GuiAction::KIND_RIGHT_CLICK;
    click.startNs = click.lastNs = input.timeNs;
    click.x = input.x;
    click.y = input.y;
    click.button = input.button;
    click.clicks = 1;
    m_pointer = std::move(click);
    m_buttonDown = true;
}

void ActionAggregator::buttonRelease(const RawInput& input)
{
    if (!m_pointer || !m_buttonDown || input.button != m_pointer->button)
        return; // wheel releases, or a button pressed while another was held
    m_buttonDown = false;
    m_pointer->lastNs = input.timeNs;
    const bool moved =
        std::abs(input.x - m_pointer->x) >= kDragDistance || std::abs(input.y - m_pointer->y) >= kDragDistance;
    if (m_pointer->button == 1 && m_pointer->clicks == 1 && moved) {
        m_pointer->kind = v1::GuiAction::KIND_DRAG;
        Pending drag = std::move(*m_pointer);
        m_pointer.reset();
        emitPending(drag, input.x, input.y);
        return;
    }
    // Only the left button counts double and triple clicks; the others, and a third
    // click, are done at once.
    if (m_pointer->button != 1 || m_pointer->clicks == 3) {
        finishPointer();
        return;
    }
    m_releasedNs = input.timeNs;
}

void ActionAggregator::keyPress(const RawInput& input)
{
    if (input.isModifier)
        return; // modifiers only shape the keys pressed with them
    if (!m_buttonDown)
        finishPointer();
    if (input.control || input.alt || input.super) {
        finishTyping();
        emitKey(input, hotkeyName(input));
        return;
    }
    if (endsTyping(input.keyName)) {
        finishTyping();
        emitKey(input, input.keyName);
        return;
    }
    if (input.keyName == QLatin1String("BackSpace") && m_typing && !m_typing->text.isEmpty()) {
        // A correction inside the run: the action is the text as it ended up.
        QString& typed = m_typing->text;
        const bool pair =
            typed.size() >= 2 && typed.back().isLowSurrogate() && typed.at(typed.size() - 2).isHighSurrogate();
        typed.chop(pair ? 2 : 1);
        m_typing->lastNs = input.timeNs;
        return;
    }
    if (typesText(input.text)) {
        if (!m_typing) {
            Pending typing;
            typing.context = m_contextAt(input, false);
            typing.kind = v1::GuiAction::KIND_TYPE;
            typing.startNs = input.timeNs;
            typing.x = input.x;
            typing.y = input.y;
            m_typing = std::move(typing);
        }
        m_typing->text += input.text;
        m_typing->lastNs = input.timeNs;
        return;
    }
    finishTyping();
    emitKey(input, input.keyName);
}

void ActionAggregator::focusChanged()
{
    finishTyping();
}

void ActionAggregator::advanceTo(qint64 nowNs)
{
    if (m_pointer && !m_buttonDown) {
        const bool scrollDone =
            m_pointer->kind == v1::GuiAction::KIND_SCROLL && nowNs - m_pointer->lastNs > kScrollPauseMs * kNsPerMs;
        const bool clickDone =
            m_pointer->kind != v1::GuiAction::KIND_SCROLL && nowNs - m_releasedNs > kMultiClickMs * kNsPerMs;
        if (scrollDone || clickDone)
            finishPointer();
    }
    if (m_typing && nowNs - m_typing->lastNs > kTypingPauseMs * kNsPerMs)
        finishTyping();
}

std::optional<qint64> ActionAggregator::deadline() const
{
    if (m_pointer && !m_buttonDown) {
        if (m_pointer->kind == v1::GuiAction::KIND_SCROLL)
            return m_pointer->lastNs + kScrollPauseMs * kNsPerMs + 1;
        return m_releasedNs + kMultiClickMs * kNsPerMs + 1;
    }
    if (m_typing)
        return m_typing->lastNs + kTypingPauseMs * kNsPerMs + 1;
    return std::nullopt;
}

void ActionAggregator::flush()
{
    if (m_pointer) {
        m_buttonDown = false;
        finishPointer();
    }
    finishTyping();
}

void ActionAggregator::finishPointer()
{
    if (!m_pointer)
        return;
    Pending pending = std::move(*m_pointer);
    m_pointer.reset();
    m_buttonDown = false;
    if (pending.kind == v1::GuiAction::KIND_CLICK && pending.clicks == 2)
        pending.kind = v1::GuiAction::KIND_DOUBLE_CLICK;
    else if (pending.kind == v1::GuiAction::KIND_CLICK && pending.clicks == 3)
        pending.kind = v1::GuiAction::KIND_TRIPLE_CLICK;
    emitPending(pending, pending.x, pending.y);
}

void ActionAggregator::finishTyping()
{
    if (!m_typing)
        return;
    Pending pending = std::move(*m_typing);
    m_typing.reset();
    // Typed and erased again: nothing was entered.
    if (pending.text.isEmpty())
        return;
    emitPending(pending, pending.x, pending.y);
}

void ActionAggregator::emitKey(const RawInput& input, const QString& keys)
{
    Pending key;
    key.context = m_contextAt(input, false);
    key.kind = input.control || input.alt || input.super ? v1::GuiAction::KIND_HOTKEY : v1::GuiAction::KIND_KEY;
    key.startNs = key.lastNs = input.timeNs;
    key.x = input.x;
    key.y = input.y;
    key.context.action.set_keys(keys.toStdString());
    emitPending(key, key.x, key.y);
}

void ActionAggregator::setPoint(v1::GuiAction& action, int x, int y) const
{
    action.set_x(x);
    action.set_y(y);
    action.set_norm_x(m_screenWidth > 0 ? static_cast<double>(x) / m_screenWidth : 0.0);
    action.set_norm_y(m_screenHeight > 0 ? static_cast<double>(y) / m_screenHeight : 0.0);
}

void ActionAggregator::emitPending(Pending& pending, int endX, int endY)
{
    v1::GuiAction& action = pending.context.action;
    action.set_kind(pending.kind);
    setPoint(action, pending.x, pending.y);
    action.set_screen_width(static_cast<quint32>(m_screenWidth));
    action.set_screen_height(static_cast<quint32>(m_screenHeight));
    if (pending.kind == v1::GuiAction::KIND_DRAG) {
        action.set_end_x(endX);
        action.set_end_y(endY);
        action.set_norm_end_x(m_screenWidth > 0 ? static_cast<double>(endX) / m_screenWidth : 0.0);
        action.set_norm_end_y(m_screenHeight > 0 ? static_cast<double>(endY) / m_screenHeight : 0.0);
    }
    if (pending.kind == v1::GuiAction::KIND_SCROLL) {
        action.set_scroll_direction(pending.scrollDirection.toStdString());
        action.set_scroll_amount(static_cast<quint32>(pending.scrollAmount));
    }
    if (pending.kind == v1::GuiAction::KIND_TYPE) {
        const auto count = characterCount(pending.text);
        action.set_typed_chars(static_cast<quint32>(count));
        if (pending.context.textWithheld) {
            // The text never leaves this function: only how much was typed, and where.
            action.set_text_withheld(true);
            action.set_withheld_reason(pending.context.withheldReason.arg(count).toStdString());
        } else {
            action.set_text(pending.text.toStdString());
        }
    }
    pending.text.clear();
    action.set_duration_ms((pending.lastNs - pending.startNs) / kNsPerMs);
    m_emit(action, pending.startNs);
}

} // namespace trailmark::capture
