#include "chains/Step.h"
#include "chains/export/FormatWriters.h"
#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"

#include <map>
#include <mutex>

namespace trailmark::chains {
namespace {

// What both chat formats share: one conversation per session as one JSONL row ending in
// the tools the conversation may call.
class ConversationWriter : public FormatWriter
{
public:
    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

protected:
    // One session is one row, and a long session makes a row of hundreds of megabytes:
    // hand the row to the file in pieces so memory stays bounded by the steps, not the text.
    bool drainLongRow(std::string& row, JsonWriter& json, QString* error)
    {
        json.flush();
        constexpr size_t kPiece = 1 << 20;
        if (row.size() < kPiece)
            return true;
        if (!m_file.write(row, error))
            return false;
        row.clear();
        return true;
    }
    // The `tools` of a conversation that offers these tools (few combinations: cached,
    // for every thread that writes conversations; entries of a std::map stay put).
    const std::string& tools(quint32 offered)
    {
        std::lock_guard lock(m_toolsMutex);
        auto found = m_tools.find(offered);
        if (found == m_tools.end()) {
            std::string schemas = exportutil::toolSchemas(m_style, offered);
            if (m_toolsAsString) {
                std::string quoted;
                JsonWriter::appendString(quoted, schemas);
                schemas = std::move(quoted);
            }
            found = m_tools.emplace(offered, std::move(schemas)).first;
        }
        return found->second;
    }
    // Closes the row with its `tools` and writes it.
    bool endRow(std::string& row, JsonWriter& json, quint32 offered, QString* error)
    {
        json.key("tools").raw(tools(offered));
        json.endObject();
        row += '\n';
        return m_file.write(row, error);
    }

    OutputFile m_file;
    std::mutex m_toolsMutex;
    std::map<quint32, std::string> m_tools;
    // ShareGPT keeps `tools` as a JSON string, OpenAI as an array.
    bool m_toolsAsString = false;
    ToolStyle m_style;
};

// One conversation per session in OpenAI's chat fine-tuning format with tools, in one of
// two folders: `openai/train.jsonl` passes OpenAI's format checks (message keys role,
// content, name, weight, tool_calls, tool_call_id only), so the expert's thought is the
// assistant's content before its tool call; `openai_reasoning/train.jsonl` (format
// openai-reasoning) keeps the thought as `reasoning_content` beside an empty content, the
// key Axolotl's chat_template strategy and reasoning chat templates read. A failed
// attempt that the expert retried later gets weight 0: kept as context, not trained on
// as the thing to do.
class OpenAiWriter final : public ConversationWriter
{
public:
    OpenAiWriter(QString path, bool thoughtAsReasoning)
        : m_path(std::move(path))
        , m_thoughtAsReasoning(thoughtAsReasoning)
    {}

    bool begin(const ExportContext& context, QString* error) override
    {
        m_style = context.toolStyle;
        m_tools.clear();
        return m_file.open(context.root + m_path, error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        if (!exportutil::hasAction(trajectory))
            return true;
        std::string& row = exportutil::rowBuffer();
        JsonWriter json(row);
        json.beginObject().key("messages").beginArray();
        const quint32 offered = exportutil::offeredTools(trajectory);
        json.beginObject()
            .field("role", "system")
            .field("content", exportutil::systemPrompt(m_style, offered))
            .endObject();
        json.beginObject().field("role", "user").field("content", trajectory.session.task()).endObject();
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            if (!step.isAction())
                continue;
            // A step of several calls (an edit of several stretches) is that many turns,
            // in order; its thought comes before the first.
            const std::vector<exportutil::ChatCall> calls = exportutil::chatCalls(step, m_style);
            for (const exportutil::ChatCall& call : calls) {
                const QString thought = &call == &calls.front() ? step.thought : QString();
                json.beginObject().field("role", "assistant");
                if (m_thoughtAsReasoning)
                    json.field("content", "").textOrNull("reasoning_content", thought);
                else
                    json.field("content", thought);
                json.key("tool_calls").beginArray().beginObject();
                json.field("id", call.id).field("type", "function");
                json.key("function").beginObject();
                json.field("name", call.tool).field("arguments", call.arguments);
                json.endObject().endObject().endArray();
                json.field("weight", step.outcome == StepOutcome::Error && step.retriedBy >= 0 ? 0 : 1);
                json.endObject();
                json.beginObject().field("role", "tool").field("tool_call_id", call.id);
                exportutil::writeCallObservation(json.key("content"), step, call);
                json.endObject();
            }
            if (!drainLongRow(row, json, error))
                return false;
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        json.beginObject().field("role", "assistant").field("content", exportutil::closingMessage(trajectory));
        if (m_thoughtAsReasoning)
            json.nullField("reasoning_content");
        json.field("weight", 1).endObject();
        json.endArray();
        return endRow(row, json, offered, error);
    }

private:
    QString m_path;
    bool m_thoughtAsReasoning = false;
};

// `sharegpt/train.jsonl`: the same conversations as LLaMA-Factory's ShareGPT with
// tools: human, then function_call / observation pairs, then a closing gpt turn, so
// human/observation sit at odd positions and gpt/function_call at even ones and the
// count is even (LLaMA-Factory drops rows that break either rule). ShareGPT has no slot
// for a thought before a function call; the thoughts are in the other formats.
// The screen a GUI action was taken on (its keyframe) is an image of the turn before
// the action's call, as LLaMA-Factory's multimodal ShareGPT has it: an `<image>` in
// that turn's text and the picture's path in the row's `images`, in the same order.
class ShareGptWriter final : public ConversationWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        m_context = &context;
        m_tools.clear();
        m_toolsAsString = true;
        m_style = context.toolStyle;
        return m_file.open(context.root + QStringLiteral("/sharegpt/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        if (!exportutil::hasAction(trajectory))
            return true;
        std::string& row = exportutil::rowBuffer();
        JsonWriter json(row);
        json.beginObject().key("conversations").beginArray();
        // Each human or observation turn is written once the next action is known, so
        // that action's keyframe can go into it.
        const std::string task = trajectory.session.task();
        const Step* pendingStep = nullptr;
        std::optional<exportutil::ChatCall> pendingCall;
        QStringList images;
        const auto writePending = [&](const QString& imagePath) {
            const std::string_view suffix = imagePath.isEmpty() ? std::string_view() : std::string_view("\n<image>");
            json.beginObject().field("from", pendingStep ? "observation" : "human").key("value");
            if (!pendingStep)
                json.concatenated({task, suffix});
            else if (suffix.empty())
                exportutil::writeCallObservation(json, *pendingStep, *pendingCall);
            else
                json.concatenated(
                    {pendingCall->observation ? *pendingCall->observation : pendingStep->observationUtf8(), suffix});
            json.endObject();
            if (!imagePath.isEmpty())
                images.append(imagePath);
        };
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            if (!step.isAction())
                continue;
            std::vector<exportutil::ChatCall> calls = exportutil::chatCalls(step, m_style);
            if (calls.empty())
                continue;
            QString keyframe;
            if (const QString shown = families::exporting(step).keyframe(step); !shown.isEmpty())
                keyframe = m_context->imagePath(shown);
            for (size_t i = 0; i < calls.size(); ++i) {
                writePending(i == 0 ? keyframe : QString());
                std::string value;
                JsonWriter callJson(value);
                callJson.beginObject().field("name", calls[i].tool);
                callJson.key("arguments").raw(calls[i].arguments).endObject();
                json.beginObject().field("from", "function_call").field("value", value).endObject();
                pendingStep = &step;
                cursor.keep();
                pendingCall = std::move(calls[i]);
            }
            if (!drainLongRow(row, json, error))
                return false;
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        writePending(QString());
        json.beginObject().field("from", "gpt").field("value", exportutil::closingMessage(trajectory)).endObject();
        json.endArray();
        json.stringList("images", images);
        const quint32 offered = exportutil::offeredTools(trajectory);
        json.field("system", exportutil::systemPrompt(m_style, offered));
        return endRow(row, json, offered, error);
    }

private:
    const ExportContext* m_context = nullptr;
};

} // namespace

std::unique_ptr<FormatWriter> makeOpenAiWriter()
{
    return std::make_unique<OpenAiWriter>(QStringLiteral("/openai/train.jsonl"), false);
}

std::unique_ptr<FormatWriter> makeOpenAiReasoningWriter()
{
    return std::make_unique<OpenAiWriter>(QStringLiteral("/openai_reasoning/train.jsonl"), true);
}

std::unique_ptr<FormatWriter> makeShareGptWriter()
{
    return std::make_unique<ShareGptWriter>();
}

} // namespace trailmark::chains
