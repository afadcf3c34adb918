#include "FormatWriters.h"
#include "JsonWriter.h"
#include "Step.h"
#include "Utf8.h"
#include "Vocabulary.h"

namespace trailmark::chains {
namespace {

// Text as a string plus, when the bytes are not valid UTF-8, the exact bytes in base64.
void bytesFields(JsonWriter& json, std::string_view name, const std::string& bytes, bool applies)
{
    const std::string base64Name = std::string(name) + "_base64";
    if (!applies) {
        json.nullField(name).nullField(base64Name);
        return;
    }
    json.field(name, bytes);
    if (isValidUtf8(bytes))
        json.nullField(base64Name);
    else
        json.field(base64Name, QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64()));
}

// A string, or null when it does not apply or is empty.
void bytesOrNull(JsonWriter& json, std::string_view name, bool applies, const std::string& bytes)
{
    if (applies && !bytes.empty())
        json.field(name, bytes);
    else
        json.nullField(name);
}

// `agent_chain/train.jsonl`: one row per step, every fact we derived and every byte we
// recorded, so other formats can be rebuilt from it.
class AgentChainWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        m_context = &context;
        return m_file.open(context.root + QStringLiteral("/agent_chain/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        const std::string& sessionId = trajectory.session.id();
        const std::string& task = trajectory.session.task();
        const std::string& expert = trajectory.session.expert();
        const std::string verdict = vocabulary::verdictName(trajectory.verdict()).toStdString();
        for (const Step& step : trajectory.steps) {
            m_row.clear();
            JsonWriter json(m_row);
            const bool shell = step.tool == StepTool::Shell;
            const bool app = step.tool == StepTool::App;
            json.beginObject();
            json.field("session_id", sessionId);
            json.field("task", task);
            bytesOrNull(json, "expert", true, expert);
            bytesOrNull(json, "session_verdict", true, verdict);
            json.field("step_index", step.index);
            json.field("tool", nameOf(step.tool));
            if (shell)
                json.field("action", step.command);
            else
                json.field("action", step.actionText());
            if (step.isAction())
                json.field("arguments", exportutil::toolArguments(step));
            else
                json.nullField("arguments");
            if (step.isAction())
                exportutil::writeObservation(json.key("observation"), step);
            else
                json.nullField("observation");
            json.field("outcome", nameOf(step.outcome));
            json.stringList("error_reasons", step.errorReasons);
            json.textOrNull("thought", step.thought);
            json.textOrNull("thought_source", step.thoughtSource);
            json.field("start_ns", step.startNs);
            json.field("end_ns", step.endNs);
            json.field("duration_ns", step.durationNs);
            json.field("start_time", exportutil::isoTimeUtf8(step.startNs));
            json.key("event_ids").beginArray();
            for (const std::string& id : step.eventIds)
                json.value(id);
            json.endArray();
            bytesFields(json, "command", step.command, shell);
            bytesFields(json, "cwd", step.cwd, shell);
            bytesOrNull(json, "shell", shell, step.shell);
            bytesOrNull(json, "shell_session_id", shell, step.shellSessionId);
            bytesOrNull(json, "host", shell, step.host);
            if (shell && step.exitKnown)
                json.field("exit_code", step.exitCode);
            else
                json.nullField("exit_code");
            if (shell && step.hasExit)
                json.field("signal", step.signal);
            else
                json.nullField("signal");
            bytesFields(json, "output_head", step.outputHead, shell && step.outputCaptured);
            bytesFields(json, "output_tail", step.outputTail, shell && step.outputCaptured);
            if (shell)
                json.field("output_captured", step.outputCaptured)
                    .field("output_truncated", step.outputTruncated)
                    .field("output_bytes", static_cast<qint64>(step.outputBytes));
            else
                json.nullField("output_captured").nullField("output_truncated").nullField("output_bytes");
            json.textOrNull("app", app ? step.appClass : QString());
            json.textOrNull("app_instance", app ? step.appInstance : QString());
            json.stringList("titles", app ? step.titles : QStringList());
            json.textOrNull("note_kind", step.noteKind);
            QStringList images;
            for (const QString& hash : step.screenshots) {
                const QString path = m_context->imagePath(hash);
                if (!path.isEmpty())
                    images.append(path);
            }
            json.stringList("images", images);
            if (shell)
                json.field("attempt", step.attempt);
            else
                json.nullField("attempt");
            auto indexField = [&](std::string_view name, int index) {
                if (index >= 0)
                    json.field(name, index);
                else
                    json.nullField(name);
            };
            indexField("retry_of", step.retryOf);
            indexField("retried_by", step.retriedBy);
            indexField("recovers", step.recovers);
            const auto rating = step.rating();
            if (rating)
                json.field("rating", *rating);
            else
                json.nullField("rating");
            json.stringList("labels", step.labels());
            json.key("annotations").beginArray();
            for (const auto& annotation : step.annotations) {
                json.beginObject();
                json.field("reviewer", annotation.reviewer());
                json.field("time_ns", static_cast<qint64>(annotation.time_ns()));
                if (annotation.has_rating())
                    json.field("rating", static_cast<int>(annotation.rating()));
                else
                    json.nullField("rating");
                json.key("labels").beginArray();
                for (const auto& label : annotation.labels())
                    json.value(label);
                json.endArray();
                json.textOrNull("rationale", QString::fromStdString(annotation.rationale()));
                json.textOrNull("corrected_thought", QString::fromStdString(annotation.corrected_thought()));
                json.endObject();
            }
            json.endArray();
            json.endObject();
            m_row += '\n';
            if (!m_file.write(m_row, error))
                return false;
        }
        return true;
    }

    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    const ExportContext* m_context = nullptr;
    OutputFile m_file;
    std::string m_row;
};

} // namespace

std::unique_ptr<FormatWriter> makeAgentChainWriter()
{
    return std::make_unique<AgentChainWriter>();
}

} // namespace trailmark::chains
