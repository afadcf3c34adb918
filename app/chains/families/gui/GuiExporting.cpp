#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/gui/GuiDialects.h"
#include "chains/families/gui/GuiFamily.h"
#include "chains/families/gui/GuiStep.h"
#include "chains/families/gui/GuiText.h"

namespace trailmark::chains {
namespace {

class GuiExporting final : public ExportingFacet
{
public:
    QString actionText(const Step& step) const override { return describeAction(actionOf(step)); }
    QString observationText(const Step& step) const override
    {
        const v1::GuiAction& action = actionOf(step);
        QStringList lines;
        if (hasElement(action)) {
            lines << QStringLiteral("Element: %1").arg(utf8Text(action.element_path()));
            lines << QStringLiteral("Bounds: %1,%2 %3×%4")
                         .arg(action.element_x())
                         .arg(action.element_y())
                         .arg(action.element_width())
                         .arg(action.element_height());
            if (action.element_states_size() > 0) {
                QStringList states;
                for (const auto& state : action.element_states())
                    states << utf8Text(state);
                lines << QStringLiteral("States: %1").arg(states.join(QStringLiteral(", ")));
            }
        } else {
            lines << QStringLiteral("Element: %1").arg(elementStatusText(action.element_status()));
        }
        if (!action.window_title().empty() || !action.app_class().empty())
            lines
                << QStringLiteral("Window: %1 (%2)").arg(utf8Text(action.window_title()), utf8Text(action.app_class()));
        for (const v1::GuiAlert& alert : step.as<GuiStep>()->alerts)
            lines << QStringLiteral("Then a dialog: %1").arg(describeAlert(alert));
        return lines.join(QLatin1Char('\n'));
    }

    QString keyframe(const Step& step) const override { return hex(actionOf(step).keyframe_sha256()); }

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
        json.field("kind", anthropicActionName(action.kind()));
        json.field("x", action.x()).field("y", action.y());
        json.field("norm_x", action.norm_x()).field("norm_y", action.norm_y());
        json.field("window_x", action.window_x()).field("window_y", action.window_y());
        json.field("end_x", action.end_x()).field("end_y", action.end_y());
        json.field("screen_width", static_cast<qint64>(action.screen_width()));
        json.field("screen_height", static_cast<qint64>(action.screen_height()));
        json.textOrNull("scroll_direction", utf8Text(action.scroll_direction()));
        json.field("scroll_amount", static_cast<qint64>(action.scroll_amount()));
        json.textOrNull("text", utf8Text(action.text()));
        json.field("typed_chars", static_cast<qint64>(action.typed_chars()));
        json.textOrNull("withheld_reason", utf8Text(action.withheld_reason()));
        json.textOrNull("keys", utf8Text(action.keys()));
        json.textOrNull("app", utf8Text(action.app_class()));
        json.textOrNull("window_title", utf8Text(action.window_title()));
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
};

} // namespace

const ExportingFacet& guiExporting()
{
    static const GuiExporting facet;
    return facet;
}

} // namespace trailmark::chains
