#include "chains/families/gui/GuiFamily.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/EventFamily.h"
#include "chains/families/gui/GuiStep.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace trailmark::chains {
namespace {

using Kind = v1::GuiAction::Kind;

QString text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

const v1::GuiAction& actionOf(const Step& step)
{
    return step.as<GuiStep>()->action;
}

// Anthropic's action names, which are also the `action` column of every row.
const char* anthropicAction(Kind kind)
{
    switch (kind) {
    case v1::GuiAction::KIND_CLICK:
        return "left_click";
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        return "double_click";
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        return "triple_click";
    case v1::GuiAction::KIND_RIGHT_CLICK:
        return "right_click";
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        return "middle_click";
    case v1::GuiAction::KIND_DRAG:
        return "left_click_drag";
    case v1::GuiAction::KIND_SCROLL:
        return "scroll";
    case v1::GuiAction::KIND_TYPE:
        return "type";
    case v1::GuiAction::KIND_KEY:
    case v1::GuiAction::KIND_HOTKEY:
        return "key";
    default:
        return "unknown";
    }
}

// How people read the kind: "click", "double-click", "press".
QString verb(Kind kind)
{
    switch (kind) {
    case v1::GuiAction::KIND_CLICK:
        return QStringLiteral("click");
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        return QStringLiteral("double-click");
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        return QStringLiteral("triple-click");
    case v1::GuiAction::KIND_RIGHT_CLICK:
        return QStringLiteral("right-click");
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        return QStringLiteral("middle-click");
    case v1::GuiAction::KIND_DRAG:
        return QStringLiteral("drag");
    case v1::GuiAction::KIND_SCROLL:
        return QStringLiteral("scroll");
    case v1::GuiAction::KIND_TYPE:
        return QStringLiteral("type");
    default:
        return QStringLiteral("press");
    }
}

bool isPointerAction(Kind kind)
{
    return kind != v1::GuiAction::KIND_TYPE && kind != v1::GuiAction::KIND_KEY && kind != v1::GuiAction::KIND_HOTKEY;
}

bool hasElement(const v1::GuiAction& action)
{
    return action.element_status() == v1::GuiAction::ELEMENT_STATUS_FOUND && !action.element_role().empty();
}

// "push button 'Save'", or the coordinates when no element is known.
QString target(const v1::GuiAction& action)
{
    if (hasElement(action)) {
        const QString name = text(action.element_name());
        return name.isEmpty() ? text(action.element_role())
                              : QStringLiteral("%1 '%2'").arg(text(action.element_role()), name);
    }
    return isPointerAction(action.kind()) ? QStringLiteral("(%1, %2)").arg(action.x()).arg(action.y()) : QString();
}

QString appName(const v1::GuiAction& action)
{
    if (!action.window_title().empty())
        return text(action.window_title());
    return text(action.app_class());
}

QString elementStatusText(v1::GuiAction::ElementStatus status)
{
    switch (status) {
    case v1::GuiAction::ELEMENT_STATUS_FOUND:
        return QStringLiteral("found");
    case v1::GuiAction::ELEMENT_STATUS_NO_ACCESSIBILITY:
        return QStringLiteral("the app exposes no accessibility: coordinates only");
    case v1::GuiAction::ELEMENT_STATUS_NOT_FOUND:
        return QStringLiteral("no element at the point");
    case v1::GuiAction::ELEMENT_STATUS_UNAVAILABLE:
        return QStringLiteral("accessibility (AT-SPI) was not running");
    default:
        return QStringLiteral("not read (excluded window)");
    }
}

QString hex(const std::string& bytes)
{
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toHex());
}

// Normalised coordinates as OpenCUA writes them: four decimals.
std::string fraction(double value)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.4f", std::clamp(value, 0.0, 1.0));
    return buffer;
}

std::string pythonString(const std::string& utf8)
{
    std::string out = "'";
    for (const char c : utf8) {
        switch (c) {
        case '\\':
            out += "\\\\";
            break;
        case '\'':
            out += "\\'";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            out += c;
        }
    }
    return out + "'";
}

// xdotool keysym names as pyautogui's KEYBOARD_KEYS spell them.
std::string pyAutoGuiKey(const QString& key)
{
    static const std::pair<const char*, const char*> renamed[] = {
        {"Return", "enter"},      {"KP_Enter", "enter"}, {"Escape", "esc"},     {"BackSpace", "backspace"},
        {"Prior", "pageup"},      {"Next", "pagedown"},  {"Page_Up", "pageup"}, {"Page_Down", "pagedown"},
        {"ISO_Left_Tab", "tab"},  {"super", "win"},      {"Super_L", "win"},    {"Caps_Lock", "capslock"},
        {"Print", "printscreen"}, {"Insert", "insert"},  {"Menu", "apps"},
    };
    for (const auto& [from, to] : renamed) {
        if (key == QLatin1String(from))
            return to;
    }
    return key.toLower().toStdString();
}

// xdotool names as OpenAI's computer-use keypress spells them (upper case).
std::string openAiKey(const QString& key)
{
    static const std::pair<const char*, const char*> renamed[] = {
        {"ctrl", "CTRL"},     {"alt", "ALT"},        {"shift", "SHIFT"},    {"super", "META"},
        {"Return", "ENTER"},  {"KP_Enter", "ENTER"}, {"Escape", "ESC"},     {"BackSpace", "BACKSPACE"},
        {"Tab", "TAB"},       {"space", "SPACE"},    {"Left", "ARROWLEFT"}, {"Right", "ARROWRIGHT"},
        {"Up", "ARROWUP"},    {"Down", "ARROWDOWN"}, {"Prior", "PAGEUP"},   {"Next", "PAGEDOWN"},
        {"Delete", "DELETE"}, {"Home", "HOME"},      {"End", "END"},
    };
    for (const auto& [from, to] : renamed) {
        if (key == QLatin1String(from))
            return to;
    }
    return key.toUpper().toStdString();
}

QStringList keyParts(const v1::GuiAction& action)
{
    return text(action.keys()).split(QLatin1Char('+'));
}

void coordinate(JsonWriter& json, std::string_view name, int x, int y)
{
    json.key(name).beginArray().value(x).value(y).endArray();
}

// A dialog that comes this soon after an action is what the action led to.
constexpr qint64 kAlertWindowNs = 5'000'000'000;
// An action repeated on the same element this soon after it failed is a retry of it.
constexpr qint64 kRetryWindowNs = 120'000'000'000;
constexpr size_t kRetryLookback = 8;

// Words of a dialog that reports a failure rather than asks or informs.
bool reportsFailure(const v1::GuiAlert& alert)
{
    static const QRegularExpression failure(
        QStringLiteral("\\b(error|errors|failed|failure|fails|cannot|can't|could not|couldn't|unable|invalid|denied|"
                       "not found|not allowed|refused|forbidden|problem)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return failure.match(text(alert.title())).hasMatch() || failure.match(text(alert.text())).hasMatch();
}

QString describeAlert(const v1::GuiAlert& alert)
{
    QString line = QStringLiteral("%1 '%2'").arg(text(alert.role()), text(alert.title()));
    if (!alert.text().empty())
        line += QStringLiteral(": ") + oneLine(text(alert.text()), 200);
    return line;
}

// The same action on the same element: what a person does again after it failed.
bool sameAction(const v1::GuiAction& a, const v1::GuiAction& b)
{
    return a.kind() == b.kind() && a.app_class() == b.app_class() && a.element_path() == b.element_path() &&
           a.keys() == b.keys() && (hasElement(a) || (std::abs(a.x() - b.x()) < 10 && std::abs(a.y() - b.y()) < 10));
}

class GuiDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        if (event.has_gui_alert()) {
            addAlert(event, context);
            return;
        }
        Step& step = context.openStep(guiFamily(), event);
        auto detail = std::make_unique<GuiStep>();
        detail->action = event.gui_action();
        step.durationNs = detail->action.duration_ms() * 1'000'000;
        step.endNs = step.startNs + step.durationNs;
        if (!detail->action.keyframe_sha256().empty())
            step.screenshots.prepend(hex(detail->action.keyframe_sha256()));
        step.detail = std::move(detail);
        linkRetry(step, context);
        m_recent.push_back(step.index);
        if (m_recent.size() > kRetryLookback) {
            context.release(m_recent.front()); // no later action compares with it
            m_recent.erase(m_recent.begin());
        }
        m_last = step.index;
    }

    void finish(DerivationContext& context) override
    {
        // A retry that no dialog answered succeeded: it recovers from the first failure.
        for (const int index : m_recent)
            markRecovery(context, index);
        for (const int index : m_done)
            markRecovery(context, index);
    }

private:
    void addAlert(const v1::Event& event, DerivationContext& context)
    {
        if (m_last < 0)
            return; // a dialog before any action: nothing it answers
        Step& step = context.step(m_last);
        if (event.time_ns() - step.endNs > kAlertWindowNs)
            return;
        auto* gui = step.as<GuiStep>();
        gui->alerts.push_back(event.gui_alert());
        context.attach(step, event);
        if (reportsFailure(event.gui_alert())) {
            step.outcome = StepOutcome::Error;
            step.errorReasons.append(QStringLiteral("dialog: ") + describeAlert(event.gui_alert()));
        }
    }

    void linkRetry(Step& step, DerivationContext& context)
    {
        const v1::GuiAction& action = step.as<GuiStep>()->action;
        for (auto it = m_recent.rbegin(); it != m_recent.rend(); ++it) {
            Step& earlier = context.step(*it);
            if (step.startNs - earlier.endNs > kRetryWindowNs)
                break;
            if (!sameAction(earlier.as<GuiStep>()->action, action))
                continue;
            if (earlier.outcome == StepOutcome::Error && earlier.retriedBy < 0) {
                step.retryOf = earlier.index;
                step.attempt = earlier.attempt + 1;
                earlier.retriedBy = step.index;
                m_done.push_back(step.index);
            }
            return; // only the most recent same action decides
        }
    }

    static void markRecovery(DerivationContext& context, int index)
    {
        StepOutline& step = context.outline(index);
        if (step.retryOf < 0 || step.outcome != StepOutcome::Ok || step.recovers >= 0)
            return;
        int first = step.retryOf;
        while (context.outline(first).retryOf >= 0)
            first = context.outline(first).retryOf;
        step.recovers = first;
    }

    std::vector<int> m_recent; // the last GUI steps, oldest first
    std::vector<int> m_done;   // retries, for their recovery at the end
    int m_last = -1;
};

class GuiFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "computer"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kGuiAction, v1::Event::kGuiAlert}; }

    QString describeEvent(const v1::Event& event) const override
    {
        return event.has_gui_alert() ? QStringLiteral("dialog %1").arg(describeAlert(event.gui_alert()))
                                     : describe(event.gui_action());
    }
    bool hasAttempts() const override { return true; }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<GuiDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kGuiAction; }

    QString actionText(const Step& step) const override { return describe(actionOf(step)); }
    QString observationText(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList lines;
        if (hasElement(action)) {
            lines << QStringLiteral("Element: %1").arg(text(action.element_path()));
            lines << QStringLiteral("Bounds: %1,%2 %3×%4")
                         .arg(action.element_x())
                         .arg(action.element_y())
                         .arg(action.element_width())
                         .arg(action.element_height());
            if (action.element_states_size() > 0) {
                QStringList states;
                for (const auto& state : action.element_states())
                    states << text(state);
                lines << QStringLiteral("States: %1").arg(states.join(QStringLiteral(", ")));
            }
        } else {
            lines << QStringLiteral("Element: %1").arg(elementStatusText(action.element_status()));
        }
        if (!action.window_title().empty() || !action.app_class().empty())
            lines << QStringLiteral("Window: %1 (%2)").arg(text(action.window_title()), text(action.app_class()));
        for (const v1::GuiAlert& alert : step.as<GuiStep>()->alerts)
            lines << QStringLiteral("Then a dialog: %1").arg(describeAlert(alert));
        return lines.join(QLatin1Char('\n'));
    }

    TimelineLane lane(const Step& step) const override
    {
        const QString app = text(actionOf(step).app_class());
        const QString label = app.isEmpty() ? QStringLiteral("(GUI)") : app;
        return {QStringLiteral("gui:") + label, label + QStringLiteral(" actions")};
    }
    quint32 color(StepOutcome) const override { return 0x8a5bb0; }
    QStringList detailFacts(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList facts;
        facts << QStringLiteral("at %1,%2 on a %3×%4 screen (%5, %6)")
                     .arg(action.x())
                     .arg(action.y())
                     .arg(action.screen_width())
                     .arg(action.screen_height())
                     .arg(QString::fromStdString(fraction(action.norm_x())),
                          QString::fromStdString(fraction(action.norm_y())));
        if (hasElement(action))
            facts << text(action.element_path());
        else
            facts << QStringLiteral("element: %1").arg(elementStatusText(action.element_status()));
        if (action.text_withheld())
            facts << text(action.withheld_reason());
        return facts;
    }
    QStringList showDetails(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList details;
        if (hasElement(action))
            details << QStringLiteral("element: ") + oneLine(text(action.element_path()));
        if (!action.keyframe_sha256().empty())
            details << QStringLiteral("keyframe: %1").arg(hex(action.keyframe_sha256()).left(12));
        return details;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        std::vector<RedactableText> texts;
        if (!action.text().empty())
            texts.push_back({0, QStringLiteral("text"), QStringLiteral("Typed text"), action.text()});
        if (!action.window_title().empty())
            texts.push_back({0, QStringLiteral("window_title"), QStringLiteral("Window title"), action.window_title()});
        if (!action.element_name().empty())
            texts.push_back({0, QStringLiteral("element_name"), QStringLiteral("Element name"), action.element_name()});
        return texts;
    }

    std::optional<ScreenMarks> screenMarks(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        if (action.keyframe_sha256().empty())
            return std::nullopt;
        ScreenMarks marks;
        marks.screenshot = hex(action.keyframe_sha256());
        // Keys and typing happen where the focus is, not where the pointer rests.
        if (isPointerAction(action.kind()))
            marks.point = QPoint(action.x(), action.y());
        else if (hasElement(action))
            marks.point = QPoint(action.element_x() + action.element_width() / 2,
                                 action.element_y() + action.element_height() / 2);
        else
            marks.point = QPoint(action.x(), action.y());
        if (action.kind() == v1::GuiAction::KIND_DRAG)
            marks.end = QPoint(action.end_x(), action.end_y());
        if (hasElement(action)) {
            marks.elementBox =
                QRect(action.element_x(), action.element_y(), action.element_width(), action.element_height());
            marks.label = target(action);
        }
        return marks;
    }

    std::string_view toolName() const override { return "computer"; }
    std::string_view toolPurpose() const override
    {
        return "acting inside GUI applications with the mouse and keyboard";
    }
    std::string toolArguments(const Step& step) const override { return guiActionAsAnthropic(actionOf(step)); }
    void writeToolSchema(JsonWriter& json) const override
    {
        writeFunctionSchema(
            json, "computer",
            "Use the mouse and keyboard on the screen: left_click, double_click, triple_click, right_click, "
            "middle_click, left_click_drag, scroll, type, key. Coordinates are screen pixels.",
            {{"action", "One of the actions above.", true},
             {"coordinate", "[x, y] on the screen: where to click or scroll, where a drag ends.", false, "array",
              "integer"},
             {"start_coordinate", "[x, y] where a left_click_drag starts.", false, "array", "integer"},
             {"text", "The text to type, or the key to press in xdotool syntax (Return, ctrl+s).", false},
             {"scroll_direction", "up, down, left or right.", false},
             {"scroll_amount", "How many wheel clicks to scroll.", false, "integer"}});
    }
    std::optional<std::vector<ToolCall>> chatToolCalls(const Step& step, const ToolStyle&) const override
    {
        // Withheld text has nothing to replay: no call is better than a wrong one.
        if (actionOf(step).text_withheld())
            return std::vector<ToolCall>{};
        return std::nullopt;
    }
    bool offeredWhenUnused() const override { return false; }
    std::string_view countLabel() const override { return "GUI actions"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        const GuiStep* gui = step ? step->as<GuiStep>() : nullptr;
        if (!gui) {
            for (const char* column : {"gui_action", "gui_element", "pyautogui", "openai_computer_actions"})
                json.nullField(column);
            return;
        }
        const v1::GuiAction& action = gui->action;
        json.key("gui_action").beginObject();
        json.field("kind", anthropicAction(action.kind()));
        json.field("x", action.x()).field("y", action.y());
        json.field("norm_x", action.norm_x()).field("norm_y", action.norm_y());
        json.field("window_x", action.window_x()).field("window_y", action.window_y());
        json.field("end_x", action.end_x()).field("end_y", action.end_y());
        json.field("screen_width", static_cast<qint64>(action.screen_width()));
        json.field("screen_height", static_cast<qint64>(action.screen_height()));
        json.textOrNull("scroll_direction", text(action.scroll_direction()));
        json.field("scroll_amount", static_cast<qint64>(action.scroll_amount()));
        json.textOrNull("text", text(action.text()));
        json.field("typed_chars", static_cast<qint64>(action.typed_chars()));
        json.textOrNull("withheld_reason", text(action.withheld_reason()));
        json.textOrNull("keys", text(action.keys()));
        json.textOrNull("app", text(action.app_class()));
        json.textOrNull("window_title", text(action.window_title()));
        json.field("duration_ms", static_cast<qint64>(action.duration_ms()));
        json.endObject();
        if (hasElement(action)) {
            json.key("gui_element").beginObject();
            json.field("role", action.element_role()).field("name", action.element_name());
            json.field("description", action.element_description());
            json.key("states").beginArray();
            for (const auto& state : action.element_states())
                json.value(state);
            json.endArray();
            json.key("bounds").beginArray();
            json.value(action.element_x()).value(action.element_y());
            json.value(action.element_width()).value(action.element_height());
            json.endArray();
            json.field("path", action.element_path()).field("app", action.element_app());
            json.endObject();
        } else {
            json.nullField("gui_element");
        }
        const std::string code = guiActionAsPyAutoGui(action);
        json.textOrNull("pyautogui", QString::fromStdString(code));
        // A JSON text, like a tool call's arguments: the actions' keys differ by type.
        json.field("openai_computer_actions", guiActionAsOpenAi(action));
    }
    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const GuiStep* gui = step ? step->as<GuiStep>() : nullptr;
        if (!gui)
            return;
        const v1::GuiAction& action = gui->action;
        object.insert(QStringLiteral("gui_action"), QString::fromLatin1(anthropicAction(action.kind())));
        object.insert(QStringLiteral("x"), action.x());
        object.insert(QStringLiteral("y"), action.y());
        object.insert(QStringLiteral("element_role"), text(action.element_role()));
        object.insert(QStringLiteral("element_name"), text(action.element_name()));
        object.insert(QStringLiteral("element_path"), text(action.element_path()));
        object.insert(QStringLiteral("typed_text"), text(action.text()));
        object.insert(QStringLiteral("keys"), text(action.keys()));
        object.insert(QStringLiteral("pyautogui"), QString::fromStdString(guiActionAsPyAutoGui(action)));
    }

private:
    static QString describe(const v1::GuiAction& action)
    {
        QString line;
        const QString where = target(action);
        switch (action.kind()) {
        case v1::GuiAction::KIND_DRAG:
            line = QStringLiteral("drag %1 to (%2, %3)").arg(where).arg(action.end_x()).arg(action.end_y());
            break;
        case v1::GuiAction::KIND_SCROLL:
            line = QStringLiteral("scroll %1 ×%2 over %3")
                       .arg(text(action.scroll_direction()))
                       .arg(action.scroll_amount())
                       .arg(where);
            break;
        case v1::GuiAction::KIND_TYPE:
            line = action.text_withheld() ? QStringLiteral("type (%1)").arg(text(action.withheld_reason()))
                                          : QStringLiteral("type “%1”").arg(oneLine(text(action.text()), 120));
            if (!where.isEmpty())
                line += QStringLiteral(" into %1").arg(where);
            break;
        case v1::GuiAction::KIND_KEY:
        case v1::GuiAction::KIND_HOTKEY:
            line = QStringLiteral("press %1").arg(text(action.keys()));
            if (!where.isEmpty())
                line += QStringLiteral(" in %1").arg(where);
            break;
        default:
            line = QStringLiteral("%1 %2").arg(verb(action.kind()), where);
        }
        const QString app = appName(action);
        if (!app.isEmpty())
            line += QStringLiteral(" — %1").arg(app);
        return line;
    }
};

} // namespace

std::string guiActionAsAnthropic(const v1::GuiAction& action)
{
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("action", anthropicAction(action.kind()));
    switch (action.kind()) {
    case v1::GuiAction::KIND_DRAG:
        coordinate(json, "start_coordinate", action.x(), action.y());
        coordinate(json, "coordinate", action.end_x(), action.end_y());
        break;
    case v1::GuiAction::KIND_SCROLL:
        coordinate(json, "coordinate", action.x(), action.y());
        json.field("scroll_direction", action.scroll_direction());
        json.field("scroll_amount", static_cast<qint64>(action.scroll_amount()));
        break;
    case v1::GuiAction::KIND_TYPE:
        json.field("text", action.text());
        break;
    case v1::GuiAction::KIND_KEY:
    case v1::GuiAction::KIND_HOTKEY:
        json.field("text", action.keys());
        break;
    default:
        coordinate(json, "coordinate", action.x(), action.y());
    }
    json.endObject();
    return out;
}

std::string guiActionAsPyAutoGui(const v1::GuiAction& action)
{
    const std::string at = "x=" + fraction(action.norm_x()) + ", y=" + fraction(action.norm_y());
    switch (action.kind()) {
    case v1::GuiAction::KIND_CLICK:
        return "pyautogui.click(" + at + ")";
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        return "pyautogui.doubleClick(" + at + ")";
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        return "pyautogui.tripleClick(" + at + ")";
    case v1::GuiAction::KIND_RIGHT_CLICK:
        return "pyautogui.rightClick(" + at + ")";
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        return "pyautogui.middleClick(" + at + ")";
    case v1::GuiAction::KIND_DRAG:
        return "pyautogui.moveTo(" + at + ")\npyautogui.dragTo(x=" + fraction(action.norm_end_x()) +
               ", y=" + fraction(action.norm_end_y()) + ", button='left')";
    case v1::GuiAction::KIND_SCROLL: {
        const std::string& direction = action.scroll_direction();
        const qint64 amount = action.scroll_amount();
        // pyautogui: scroll() up is positive; hscroll() right is positive.
        if (direction == "up" || direction == "down")
            return "pyautogui.scroll(" + std::to_string(direction == "up" ? amount : -amount) + ", " + at + ")";
        return "pyautogui.hscroll(" + std::to_string(direction == "right" ? amount : -amount) + ", " + at + ")";
    }
    case v1::GuiAction::KIND_TYPE:
        if (action.text_withheld())
            return {};
        return "pyautogui.write(message=" + pythonString(action.text()) + ")";
    case v1::GuiAction::KIND_KEY:
        return "pyautogui.press(" + pythonString(pyAutoGuiKey(text(action.keys()))) + ")";
    case v1::GuiAction::KIND_HOTKEY: {
        std::string call = "pyautogui.hotkey(";
        const QStringList parts = keyParts(action);
        for (qsizetype i = 0; i < parts.size(); ++i)
            call += (i > 0 ? ", " : "") + pythonString(pyAutoGuiKey(parts.at(i)));
        return call + ")";
    }
    default:
        return {};
    }
}

std::string guiActionAsOpenAi(const v1::GuiAction& action)
{
    std::string out;
    JsonWriter json(out);
    json.beginArray();
    const auto click = [&](const char* type, const char* button) {
        json.beginObject().field("type", type);
        if (button)
            json.field("button", button);
        json.field("x", action.x()).field("y", action.y()).endObject();
    };
    switch (action.kind()) {
    case v1::GuiAction::KIND_CLICK:
        click("click", "left");
        break;
    case v1::GuiAction::KIND_DOUBLE_CLICK:
        click("double_click", nullptr);
        break;
    case v1::GuiAction::KIND_TRIPLE_CLICK:
        // No triple click in OpenAI's action space: a double click and one more.
        click("double_click", nullptr);
        click("click", "left");
        break;
    case v1::GuiAction::KIND_RIGHT_CLICK:
        click("click", "right");
        break;
    case v1::GuiAction::KIND_MIDDLE_CLICK:
        click("click", "wheel");
        break;
    case v1::GuiAction::KIND_DRAG:
        json.beginObject().field("type", "drag").key("path").beginArray();
        json.beginObject().field("x", action.x()).field("y", action.y()).endObject();
        json.beginObject().field("x", action.end_x()).field("y", action.end_y()).endObject();
        json.endArray().endObject();
        break;
    case v1::GuiAction::KIND_SCROLL: {
        // Pixels, as OpenAI's scroll_x / scroll_y are; one wheel click is about 100.
        const qint64 pixels = static_cast<qint64>(action.scroll_amount()) * 100;
        const std::string& direction = action.scroll_direction();
        json.beginObject().field("type", "scroll").field("x", action.x()).field("y", action.y());
        json.field("scroll_x", direction == "left" ? -pixels : direction == "right" ? pixels : qint64(0));
        json.field("scroll_y", direction == "up" ? -pixels : direction == "down" ? pixels : qint64(0));
        json.endObject();
        break;
    }
    case v1::GuiAction::KIND_TYPE:
        if (!action.text_withheld())
            json.beginObject().field("type", "type").field("text", action.text()).endObject();
        break;
    case v1::GuiAction::KIND_KEY:
    case v1::GuiAction::KIND_HOTKEY: {
        json.beginObject().field("type", "keypress").key("keys").beginArray();
        for (const QString& part : keyParts(action))
            json.value(openAiKey(part));
        json.endArray().endObject();
        break;
    }
    default:
        break;
    }
    json.endArray();
    return out;
}

const EventFamily& guiFamily()
{
    static const GuiFamily family;
    return family;
}

} // namespace trailmark::chains
