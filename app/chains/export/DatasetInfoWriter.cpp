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
        if (m_context->formats.contains(QStringLiteral("openai"))) {
            // OpenAI rows as LLaMA-Factory's "sharegpt" formatting with OpenAI role names.
            // It reads content, not tool_calls: use trailmark_sharegpt to train tool calls.
            json.key("trailmark_openai").beginObject();
            json.field("file_name", "openai/train.jsonl").field("formatting", "sharegpt");
            json.key("columns").beginObject().field("messages", "messages").endObject();
            json.key("tags").beginObject();
            json.field("role_tag", "role").field("content_tag", "content").field("user_tag", "user");
            json.field("assistant_tag", "assistant").field("observation_tag", "tool").field("system_tag", "system");
            json.endObject().endObject();
        }
        if (m_context->formats.contains(QStringLiteral("sharegpt"))) {
            json.key("trailmark_sharegpt").beginObject();
            json.field("file_name", "sharegpt/train.jsonl").field("formatting", "sharegpt");
            json.key("columns").beginObject();
            json.field("messages", "conversations").field("system", "system").field("tools", "tools");
            json.endObject().endObject();
        }
        json.endObject();
        out += '\n';
        return OutputFile::writeWhole(m_context->root + QStringLiteral("/dataset_info.json"), out, error);
    }

private:
    const ExportContext* m_context = nullptr;
};

} // namespace

bool wantsDatasetInfo(const QStringList& formats)
{
    return formats.contains(QStringLiteral("openai")) || formats.contains(QStringLiteral("sharegpt"));
}

std::unique_ptr<FormatWriter> makeDatasetInfoWriter()
{
    return std::make_unique<DatasetInfoWriter>();
}

} // namespace trailmark::chains
