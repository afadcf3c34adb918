#include "FormatWriters.h"
#include "JsonWriter.h"
#include "Step.h"

namespace trailmark::chains {
namespace {

// One session is one row, and a long session makes a row of hundreds of megabytes: hand
// the row to the file in pieces so memory stays bounded by the steps, not the text.
bool drainLongRow(OutputFile& file, std::string& row, QString* error)
{
    constexpr size_t kPiece = 1 << 20;
    if (row.size() < kPiece)
        return true;
    if (!file.write(row, error))
        return false;
    row.clear();
    return true;
}

// `openai/train.jsonl`: one conversation per session, as OpenAI's chat fine-tuning
// format with tools. Assistant turns call a tool; thoughts go in reasoning_content;
// a failed attempt that the expert retried later gets weight 0 (kept as context,
// not trained on as the thing to do).
class OpenAiWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        m_context = &context;
        m_tools = exportutil::toolSchemas();
        return m_file.open(context.root + QStringLiteral("/openai/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        if (!exportutil::hasAction(trajectory))
            return true;
        m_row.clear();
        JsonWriter json(m_row);
        json.beginObject().key("messages").beginArray();
        json.beginObject().field("role", "system").field("content", exportutil::systemPrompt()).endObject();
        json.beginObject().field("role", "user").field("content", trajectory.session.task()).endObject();
        for (const Step& step : trajectory.steps) {
            if (!step.isAction())
                continue;
            json.beginObject().field("role", "assistant").field("content", "");
            json.textOrNull("reasoning_content", step.thought);
            json.key("tool_calls").beginArray().beginObject();
            json.field("id", exportutil::toolCallId(step)).field("type", "function");
            json.key("function").beginObject();
            json.field("name", exportutil::toolName(step)).field("arguments", exportutil::toolArguments(step));
            json.endObject().endObject().endArray();
            json.field("weight", step.outcome == StepOutcome::Error && step.retriedBy >= 0 ? 0 : 1);
            json.endObject();
            json.beginObject().field("role", "tool").field("tool_call_id", exportutil::toolCallId(step));
            exportutil::writeObservation(json.key("content"), step);
            json.endObject();
            if (!drainLongRow(m_file, m_row, error))
                return false;
        }
        json.beginObject().field("role", "assistant").field("content", exportutil::closingMessage(trajectory));
        json.nullField("reasoning_content").field("weight", 1).endObject();
        json.endArray();
        json.key("tools").raw(m_tools);
        json.endObject();
        m_row += '\n';
        return m_file.write(m_row, error);
    }

    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    const ExportContext* m_context = nullptr;
    OutputFile m_file;
    std::string m_row;
    std::string m_tools;
};

// `sharegpt/train.jsonl`: the same conversations as LLaMA-Factory's ShareGPT with
// tools: human, then function_call / observation pairs, then a closing gpt turn, so
// human/observation sit at odd positions and gpt/function_call at even ones and the
// count is even (LLaMA-Factory drops rows that break either rule). ShareGPT has no slot
// for a thought before a function call; the thoughts are in the other formats.
class ShareGptWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        m_context = &context;
        m_tools.clear();
        JsonWriter::appendString(m_tools, exportutil::toolSchemas());
        return m_file.open(context.root + QStringLiteral("/sharegpt/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        if (!exportutil::hasAction(trajectory))
            return true;
        m_row.clear();
        JsonWriter json(m_row);
        json.beginObject().key("conversations").beginArray();
        json.beginObject().field("from", "human").field("value", trajectory.session.task()).endObject();
        for (const Step& step : trajectory.steps) {
            if (!step.isAction())
                continue;
            std::string call;
            JsonWriter callJson(call);
            callJson.beginObject().field("name", exportutil::toolName(step));
            callJson.key("arguments").raw(exportutil::toolArguments(step)).endObject();
            json.beginObject().field("from", "function_call").field("value", call).endObject();
            json.beginObject().field("from", "observation").key("value");
            exportutil::writeObservation(json, step);
            json.endObject();
            if (!drainLongRow(m_file, m_row, error))
                return false;
        }
        json.beginObject().field("from", "gpt").field("value", exportutil::closingMessage(trajectory)).endObject();
        json.endArray();
        json.field("system", exportutil::systemPrompt());
        json.key("tools").raw(m_tools);
        json.endObject();
        m_row += '\n';
        return m_file.write(m_row, error);
    }

    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    const ExportContext* m_context = nullptr;
    OutputFile m_file;
    std::string m_row;
    std::string m_tools;
};

} // namespace

std::unique_ptr<FormatWriter> makeOpenAiWriter()
{
    return std::make_unique<OpenAiWriter>();
}

std::unique_ptr<FormatWriter> makeShareGptWriter()
{
    return std::make_unique<ShareGptWriter>();
}

} // namespace trailmark::chains
