#include "chains/export/FormatWriters.h"
#include "chains/export/JsonWriter.h"

namespace trailmark::chains {
namespace {

// `dataset_info.json`: how LLaMA-Factory finds and reads the chat folders. Not a format
// of its own: the exporter adds it whenever a chat format is written.
class DatasetInfoWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString*) override
    {
        m_context = &context;
        return true;
    }

    bool trajectory(const Trajectory&, QString*) override { return true; }

    bool finish(const ExportStats&, QString* error) override
    {
        std::string out;
        JsonWriter json(out);
        json.beginObject();
        if (m_context->formats.contains(QStringLiteral("openai")))
            writeOpenAiEntry(json, "trailmark_openai", "openai/train.jsonl");
        if (m_context->formats.contains(QStringLiteral("openai-reasoning")))
            writeOpenAiEntry(json, "trailmark_openai_reasoning", "openai_reasoning/train.jsonl");
        if (m_context->formats.contains(QStringLiteral("sharegpt"))) {
            json.key("trailmark_sharegpt").beginObject();
            json.field("file_name", "sharegpt/train.jsonl").field("formatting", "sharegpt");
            json.key("columns").beginObject();
            json.field("messages", "conversations").field("system", "system").field("tools", "tools");
            // GUI actions' keyframes, one per `<image>` (paths relative to this folder).
            json.field("images", "images");
            json.endObject().endObject();
        }
        json.endObject();
        out += '\n';
        return OutputFile::writeWhole(m_context->root + QStringLiteral("/dataset_info.json"), out, error);
    }

private:
    // LLaMA-Factory's "openai" formatting (data/converter.py, OpenAIDatasetConverter):
    // an assistant message with tool_calls becomes a function turn, tool messages are
    // merged into the observation before the next turn, and `tools` is the tool list.
    // Its tags default to ShareGPT's names, so OpenAI's role names are given here.
    static void writeOpenAiEntry(JsonWriter& json, std::string_view name, std::string_view file)
    {
        json.key(name).beginObject();
        json.field("file_name", file).field("formatting", "openai");
        json.key("columns").beginObject().field("messages", "messages").field("tools", "tools").endObject();
        json.key("tags").beginObject();
        json.field("role_tag", "role").field("content_tag", "content").field("user_tag", "user");
        json.field("assistant_tag", "assistant").field("observation_tag", "tool").field("system_tag", "system");
        json.endObject().endObject();
    }

    const ExportContext* m_context = nullptr;
};

} // namespace

bool wantsDatasetInfo(const QStringList& formats)
{
    return formats.contains(QStringLiteral("openai")) || formats.contains(QStringLiteral("openai-reasoning")) ||
           formats.contains(QStringLiteral("sharegpt"));
}

std::unique_ptr<FormatWriter> makeDatasetInfoWriter()
{
    return std::make_unique<DatasetInfoWriter>();
}

} // namespace trailmark::chains
