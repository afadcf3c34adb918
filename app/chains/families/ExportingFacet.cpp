#include "chains/families/ExportingFacet.h"

#include "chains/export/JsonWriter.h"

namespace trailmark::chains {

std::string ExportingFacet::observationUtf8(const Step& step) const
{
    const QByteArray utf8 = observationText(step).toUtf8();
    return std::string(utf8.constData(), static_cast<size_t>(utf8.size()));
}

void ExportingFacet::writeAction(JsonWriter& json, const Step& step) const
{
    json.value(actionText(step));
}

void ExportingFacet::writeObservation(JsonWriter& json, const Step& step) const
{
    json.value(observationText(step));
}

const ExportingFacet& families::exportsNothing()
{
    static const ExportingFacet nothing;
    return nothing;
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

} // namespace trailmark::chains
