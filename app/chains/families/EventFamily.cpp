#include "chains/families/EventFamily.h"

#include "chains/export/JsonWriter.h"

namespace trailmark::chains {

const char* nameOf(EditStyle style)
{
    return style == EditStyle::ApplyPatch ? "apply_patch" : "str_replace";
}

std::optional<EditStyle> parseEditStyle(const QString& name)
{
    for (const EditStyle style : {EditStyle::StrReplace, EditStyle::ApplyPatch}) {
        if (name == QLatin1String(nameOf(style)))
            return style;
    }
    return std::nullopt;
}

std::string EventFamily::observationUtf8(const Step& step) const
{
    const QByteArray utf8 = observationText(step).toUtf8();
    return std::string(utf8.constData(), static_cast<size_t>(utf8.size()));
}

void EventFamily::writeAction(JsonWriter& json, const Step& step) const
{
    json.value(actionText(step));
}

void EventFamily::writeObservation(JsonWriter& json, const Step& step) const
{
    json.value(observationText(step));
}

QString EventFamily::toolLabel(const Step& step) const
{
    return step.toolText();
}

QString EventFamily::outcomeLabel(const Step& step) const
{
    return toString(step.outcome);
}

TimelineLane EventFamily::lane(const Step& step) const
{
    return {step.toolText(), step.toolText()};
}

void writeFunctionSchema(JsonWriter& json, std::string_view name, std::string_view description,
                         std::initializer_list<ToolParameter> parameters)
{
    json.beginObject().field("type", "function").key("function").beginObject();
    json.field("name", name).field("description", description);
    json.key("parameters").beginObject().field("type", "object").key("properties").beginObject();
    for (const ToolParameter& parameter : parameters) {
        json.key(parameter.name).beginObject().field("type", parameter.type);
        if (!parameter.items.empty())
            json.key("items").beginObject().field("type", parameter.items).endObject();
        json.field("description", parameter.description).endObject();
    }
    json.endObject().key("required").beginArray();
    for (const ToolParameter& parameter : parameters) {
        if (parameter.required)
            json.value(parameter.name);
    }
    json.endArray().endObject();
    json.endObject().endObject();
}

QString oneLine(QString text, qsizetype maxLength)
{
    text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    if (text.size() > maxLength)
        text = text.left(maxLength - 1) + QStringLiteral("…");
    return text;
}

} // namespace trailmark::chains
