#include "chains/Step.h"
#include "chains/export/FormatWriters.h"
#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"

#include <optional>

namespace trailmark::chains {
namespace {

// `atif/<session>.json`: one Agent Trajectory Interchange Format (ATIF v1.4, Harbor)
// document per session. The task is the user's step; each action is an agent step with
// its thought, one tool call and the observation answering it. ATIF defines tool
// arguments as an object, so here (only) they are not a JSON string.
class AtifWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString*) override
    {
        m_context = &context;
        return true;
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        const QString sessionId = QString::fromStdString(trajectory.session.id());
        std::string out;
        JsonWriter json(out);
        json.beginObject();
        json.field("schema_version", "ATIF-v1.4");
        json.field("session_id", sessionId);
        json.key("agent").beginObject();
        json.field("name", trajectory.session.expert().empty() ? std::string("human-expert")
                                                               : "human-expert:" + trajectory.session.expert());
        json.field("version", m_context->trailmarkVersion);
        json.field("model_name", "human");
        json.endObject();
        json.key("steps").beginArray();
        int stepId = 1;
        json.beginObject().field("step_id", stepId++);
        json.field("timestamp", exportutil::isoTime(trajectory.session.started_ns()));
        json.field("source", "user").field("message", trajectory.session.task()).endObject();
        int agentSteps = 0;
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            if (!step.isAction())
                continue;
            ++agentSteps;
            json.beginObject().field("step_id", stepId++);
            json.field("timestamp", exportutil::isoTime(step.startNs));
            json.field("source", "agent");
            json.field("message", step.thought);
            json.textOrNull("reasoning_content", step.thought);
            json.key("tool_calls").beginArray().beginObject();
            json.field("tool_call_id", exportutil::toolCallId(step)).field("function_name", exportutil::toolName(step));
            json.key("arguments").raw(exportutil::toolArguments(step));
            json.endObject().endArray();
            json.key("observation").beginObject().key("results").beginArray().beginObject();
            json.field("source_call_id", exportutil::toolCallId(step)).field("content", step.observationText());
            json.endObject().endArray().endObject();
            json.key("extra").beginObject();
            json.field("trailmark_step_index", step.index);
            json.field("outcome", toString(step.outcome));
            json.stringList("error_reasons", step.errorReasons);
            json.textOrNull("outcome_reason", step.outcomeReason);
            json.textOrNull("derived_outcome", step.derivedOutcome ? toString(*step.derivedOutcome) : QString());
            json.field("attempt", step.attempt);
            step.retryOf >= 0 ? json.field("retry_of", step.retryOf) : json.nullField("retry_of");
            step.recovers >= 0 ? json.field("recovers", step.recovers) : json.nullField("recovers");
            json.key("fix_steps").beginArray();
            for (const int fix : step.fixSteps)
                json.value(fix);
            json.endArray();
            // The files a step changed, the diff byte for byte (an edit's own, or what a
            // command wrote as it ran).
            const Family* files = step.effectsFamily ? step.effectsFamily : step.changesFiles() ? step.family : nullptr;
            if (files)
                families::exporting(*files).writeColumns(json, &step);
            const auto rating = step.rating();
            rating ? json.field("rating", *rating) : json.nullField("rating");
            json.stringList("labels", step.labels());
            json.endObject();
            json.endObject();
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        json.endArray();
        json.key("final_metrics").beginObject();
        json.field("total_steps", stepId - 1);
        json.key("extra").beginObject();
        json.field("agent_steps", agentSteps).field("errors", trajectory.errorCount());
        json.field("retries", trajectory.retryCount()).field("recoveries", trajectory.recoveryCount());
        json.endObject().endObject();
        json.endObject();
        out += '\n';
        return OutputFile::writeWhole(m_context->root + QStringLiteral("/atif/%1.json").arg(sessionId), out, error);
    }

    bool finish(const ExportStats&, QString*) override { return true; }

private:
    const ExportContext* m_context = nullptr;
};

// `reasoning/train.jsonl`: one chain per session in PRM800K's row shape, so TRL's
// examples/datasets/prm800k.py reads it with only its data_files changed: the task is
// `question.problem`; each action is one of `label.steps`. A step a reviewer rated, or a
// failed attempt the expert retried (rated -1 by that retry), is `completions[0]` and
// chosen; any other step is the expert's own `human_completion`, which PRM800K (and TRL)
// count as correct. Trailmark's own fields sit inside those objects, never beside the
// seven top-level columns: TRL's batched map removes exactly those and would otherwise
// fail on a column left with the wrong length.
class ReasoningWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        return m_file.open(context.root + QStringLiteral("/reasoning/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        std::string& row = exportutil::rowBuffer();
        JsonWriter json(row);
        json.beginObject();
        json.field("labeler", trajectory.session.expert());
        json.field("timestamp", exportutil::isoTimeUtf8(trajectory.session.started_ns()));
        json.nullField("generation");
        json.field("is_quality_control_question", false).field("is_initial_screening_question", false);
        json.key("question").beginObject();
        json.field("problem", trajectory.session.task()).nullField("ground_truth_answer");
        json.field("session_id", trajectory.session.id());
        json.endObject();
        json.key("label").beginObject().key("steps").beginArray();
        bool anyWrong = false;
        const Step* lastAction = nullptr;
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            if (!step.isAction())
                continue;
            lastAction = &step;
            cursor.keep();
            std::optional<int> rating = step.rating();
            const bool reviewed = rating.has_value();
            anyWrong = anyWrong || (reviewed && *rating < 0);
            if (!reviewed && step.retriedBy >= 0)
                rating = -1;
            json.beginObject();
            if (rating) {
                json.key("completions").beginArray();
                writeCompletion(json, step, rating, reviewed ? "reviewer" : "retry");
                json.endArray().nullField("human_completion").field("chosen_completion", 0);
            } else {
                json.key("completions").beginArray().endArray();
                writeCompletion(json.key("human_completion"), step, std::nullopt, nullptr);
                json.nullField("chosen_completion");
            }
            json.endObject();
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        json.endArray();
        lastAction ? json.field("total_time", (lastAction->endNs - trajectory.session.started_ns()) / 1'000'000)
                   : json.nullField("total_time");
        // PRM800K's reasons: a reviewer-flagged wrong step is "found_error"; otherwise the
        // chain is a "solution" when its last action worked, else the expert gave up.
        const char* finish = anyWrong                                               ? "found_error"
                             : lastAction && lastAction->outcome == StepOutcome::Ok ? "solution"
                                                                                    : "give_up";
        json.field("finish_reason", finish);
        json.stringList("closing_notes", trajectory.closingNotes);
        json.endObject().endObject();
        row += '\n';
        return m_file.write(row, error);
    }

    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    // PRM800K's completion (text, rating, flagged) plus where the rating came from and
    // the step it is; the same keys whether rated or not, so its type never changes.
    static void writeCompletion(JsonWriter& json, const Step& step, std::optional<int> rating, const char* source)
    {
        QString text;
        if (!step.thought.isEmpty())
            text += QStringLiteral("Thought: %1\n").arg(step.thought);
        text += QStringLiteral("Action: %1\nObservation: %2").arg(step.actionText(), step.observationText());
        json.beginObject();
        json.field("text", text);
        rating ? json.field("rating", *rating) : json.nullField("rating");
        json.field("flagged", false);
        source ? json.field("rating_source", source) : json.nullField("rating_source");
        json.field("step_index", step.index);
        json.stringList("labels", step.labels());
        json.field("outcome", toString(step.outcome));
        step.retryOf >= 0 ? json.field("retry_of", step.retryOf) : json.nullField("retry_of");
        json.endObject();
    }

    OutputFile m_file;
};

// `react/<session>.txt`: the chain as ReAct text, for reading and few-shot prompts.
class ReactWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString*) override
    {
        m_context = &context;
        return true;
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        QString text = QStringLiteral("Question: %1\n").arg(QString::fromStdString(trajectory.session.task()));
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            if (!step.isAction())
                continue;
            text += QLatin1Char('\n');
            if (!step.thought.isEmpty())
                text += QStringLiteral("Thought: %1\n").arg(step.thought);
            if (step.retryOf >= 0)
                text += QStringLiteral("(retry of step %1, attempt %2)\n").arg(step.retryOf).arg(step.attempt);
            const std::string arguments = exportutil::toolArguments(step);
            const std::string_view tool = exportutil::toolName(step);
            text += QStringLiteral("Action: %1\nAction Input: %2\nObservation: %3\n")
                        .arg(QString::fromLatin1(tool.data(), static_cast<qsizetype>(tool.size())),
                             QString::fromStdString(arguments), step.observationText());
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        text += QStringLiteral("\nFinal Answer: %1\n").arg(exportutil::closingMessage(trajectory));
        const QByteArray bytes = text.toUtf8();
        return OutputFile::writeWhole(
            m_context->root + QStringLiteral("/react/%1.txt").arg(QString::fromStdString(trajectory.session.id())),
            std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), error);
    }

    bool finish(const ExportStats&, QString*) override { return true; }

private:
    const ExportContext* m_context = nullptr;
};

} // namespace

std::unique_ptr<FormatWriter> makeAtifWriter()
{
    return std::make_unique<AtifWriter>();
}

std::unique_ptr<FormatWriter> makeReasoningWriter()
{
    return std::make_unique<ReasoningWriter>();
}

std::unique_ptr<FormatWriter> makeReactWriter()
{
    return std::make_unique<ReactWriter>();
}

} // namespace trailmark::chains
