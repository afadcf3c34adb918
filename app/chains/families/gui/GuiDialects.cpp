#include "chains/families/gui/GuiDialects.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/gui/GuiText.h"

#include <QStringList>

#include <algorithm>
#include <array>

namespace trailmark::chains {
namespace {

using Action = v1::GuiAction;

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

QStringList keyParts(const Action& action)
{
    return utf8Text(action.keys()).split(QLatin1Char('+'));
}

void coordinate(JsonWriter& json, std::string_view name, int x, int y)
{
    json.key(name).beginArray().value(x).value(y).endArray();
}

// ---- Anthropic: the arguments after "action"
void anthropicPoint(JsonWriter& json, const Action& action)
{
    coordinate(json, "coordinate", action.x(), action.y());
}

void anthropicDrag(JsonWriter& json, const Action& action)
{
    coordinate(json, "start_coordinate", action.x(), action.y());
    coordinate(json, "coordinate", action.end_x(), action.end_y());
}

void anthropicScroll(JsonWriter& json, const Action& action)
{
    coordinate(json, "coordinate", action.x(), action.y());
    json.field("scroll_direction", action.scroll_direction());
    json.field("scroll_amount", static_cast<qint64>(action.scroll_amount()));
}

void anthropicType(JsonWriter& json, const Action& action)
{
    json.field("text", action.text());
}

void anthropicKeys(JsonWriter& json, const Action& action)
{
    json.field("text", action.keys());
}

// ---- pyautogui (OpenCUA / AgentNet), coordinates normalised to the screen
std::string pyAt(const Action& action)
{
    return "x=" + fraction(action.norm_x()) + ", y=" + fraction(action.norm_y());
}

std::string pyDrag(const Action& action)
{
    return "pyautogui.moveTo(" + pyAt(action) + ")\npyautogui.dragTo(x=" + fraction(action.norm_end_x()) +
           ", y=" + fraction(action.norm_end_y()) + ", button='left')";
}

std::string pyScroll(const Action& action)
{
    const std::string& direction = action.scroll_direction();
    const qint64 amount = action.scroll_amount();
    // pyautogui: scroll() up is positive; hscroll() right is positive.
    if (direction == "up" || direction == "down")
        return "pyautogui.scroll(" + std::to_string(direction == "up" ? amount : -amount) + ", " + pyAt(action) + ")";
    return "pyautogui.hscroll(" + std::to_string(direction == "right" ? amount : -amount) + ", " + pyAt(action) + ")";
}

std::string pyType(const Action& action)
{
    if (action.text_withheld())
        return {};
    return "pyautogui.write(message=" + pythonString(action.text()) + ")";
}

std::string pyPress(const Action& action)
{
    return "pyautogui.press(" + pythonString(pyAutoGuiKey(utf8Text(action.keys()))) + ")";
}

std::string pyHotkey(const Action& action)
{
    std::string call = "pyautogui.hotkey(";
    const QStringList parts = keyParts(action);
    for (qsizetype i = 0; i < parts.size(); ++i)
        call += (i > 0 ? ", " : "") + pythonString(pyAutoGuiKey(parts.at(i)));
    return call + ")";
}

std::string pyNothing(const Action&)
{
    return {};
}

// ---- OpenAI computer-use actions, written into the array
void openAiClick(JsonWriter& json, const Action& action, const char* type, const char* button)
{
    json.beginObject().field("type", type);
    if (button)
        json.field("button", button);
    json.field("x", action.x()).field("y", action.y()).endObject();
}

void openAiDrag(JsonWriter& json, const Action& action)
{
    json.beginObject().field("type", "drag").key("path").beginArray();
    json.beginObject().field("x", action.x()).field("y", action.y()).endObject();
    json.beginObject().field("x", action.end_x()).field("y", action.end_y()).endObject();
    json.endArray().endObject();
}

void openAiScroll(JsonWriter& json, const Action& action)
{
    // Pixels, as OpenAI's scroll_x / scroll_y are; one wheel click is about 100.
    const qint64 pixels = static_cast<qint64>(action.scroll_amount()) * 100;
    const std::string& direction = action.scroll_direction();
    json.beginObject().field("type", "scroll").field("x", action.x()).field("y", action.y());
    json.field("scroll_x", direction == "left" ? -pixels : direction == "right" ? pixels : qint64(0));
    json.field("scroll_y", direction == "up" ? -pixels : direction == "down" ? pixels : qint64(0));
    json.endObject();
}

void openAiType(JsonWriter& json, const Action& action)
{
    if (!action.text_withheld())
        json.beginObject().field("type", "type").field("text", action.text()).endObject();
}

void openAiKeys(JsonWriter& json, const Action& action)
{
    json.beginObject().field("type", "keypress").key("keys").beginArray();
    for (const QString& part : keyParts(action))
        json.value(openAiKey(part));
    json.endArray().endObject();
}

void openAiNothing(JsonWriter&, const Action&) {}

// One kind of action in each dialect.
struct Dialects
{
    Action::Kind kind;
    // Anthropic's `computer` tool: the action's name and the arguments after it.
    const char* anthropic;
    void (*anthropicArguments)(JsonWriter&, const Action&);
    // pyautogui code; empty when there is nothing to replay.
    std::string (*pyAutoGui)(const Action&);
    // OpenAI's actions: none, one, or more (a triple click is two).
    void (*openAi)(JsonWriter&, const Action&);
};

const std::array<Dialects, 10> kDialects{{
    {Action::KIND_CLICK, "left_click", anthropicPoint,
     [](const Action& a) { return "pyautogui.click(" + pyAt(a) + ")"; },
     [](JsonWriter& json, const Action& a) {
         openAiClick(json, a, "click", "left");
     }},
    {Action::KIND_DOUBLE_CLICK, "double_click", anthropicPoint,
     [](const Action& a) { return "pyautogui.doubleClick(" + pyAt(a) + ")"; },
     [](JsonWriter& json, const Action& a) {
         openAiClick(json, a, "double_click", nullptr);
     }},
    // No triple click in OpenAI's action space: a double click and one more.
    {Action::KIND_TRIPLE_CLICK, "triple_click", anthropicPoint,
     [](const Action& a) { return "pyautogui.tripleClick(" + pyAt(a) + ")"; },
     [](JsonWriter& json, const Action& a) {
         openAiClick(json, a, "double_click", nullptr);
         openAiClick(json, a, "click", "left");
     }},
    {Action::KIND_RIGHT_CLICK, "right_click", anthropicPoint,
     [](const Action& a) { return "pyautogui.rightClick(" + pyAt(a) + ")"; },
     [](JsonWriter& json, const Action& a) {
         openAiClick(json, a, "click", "right");
     }},
    {Action::KIND_MIDDLE_CLICK, "middle_click", anthropicPoint,
     [](const Action& a) { return "pyautogui.middleClick(" + pyAt(a) + ")"; },
     [](JsonWriter& json, const Action& a) {
         openAiClick(json, a, "click", "wheel");
     }},
    {Action::KIND_DRAG, "left_click_drag", anthropicDrag, pyDrag, openAiDrag},
    {Action::KIND_SCROLL, "scroll", anthropicScroll, pyScroll, openAiScroll},
    {Action::KIND_TYPE, "type", anthropicType, pyType, openAiType},
    {Action::KIND_KEY, "key", anthropicKeys, pyPress, openAiKeys},
    {Action::KIND_HOTKEY, "key", anthropicKeys, pyHotkey, openAiKeys},
}};

// A kind this table does not know (from a newer recorder): named, pointed at, never replayed.
constexpr Dialects kUnknown{Action::KIND_UNSPECIFIED, "unknown", anthropicPoint, pyNothing, openAiNothing};

const Dialects& dialectsOf(Action::Kind kind)
{
    const auto found =
        std::find_if(kDialects.begin(), kDialects.end(), [kind](const Dialects& row) { return row.kind == kind; });
    return found == kDialects.end() ? kUnknown : *found;
}

} // namespace

const char* anthropicActionName(v1::GuiAction::Kind kind)
{
    return dialectsOf(kind).anthropic;
}

std::string guiActionAsAnthropic(const v1::GuiAction& action)
{
    const Dialects& dialects = dialectsOf(action.kind());
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("action", dialects.anthropic);
    dialects.anthropicArguments(json, action);
    json.endObject();
    return out;
}

std::string guiActionAsPyAutoGui(const v1::GuiAction& action)
{
    return dialectsOf(action.kind()).pyAutoGui(action);
}

std::string guiActionAsOpenAi(const v1::GuiAction& action)
{
    std::string out;
    JsonWriter json(out);
    json.beginArray();
    dialectsOf(action.kind()).openAi(json, action);
    json.endArray();
    return out;
}

} // namespace trailmark::chains
