#include "chains/Step.h"
#include "chains/export/FormatWriters.h"
#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/FamilyRegistry.h"
#include "store/Vocabulary.h"

namespace trailmark::chains {
namespace {

// `agent_chain/train.jsonl`: one row per step, every fact we derived and every byte we
// recorded, so other formats can be rebuilt from it.
class AgentChainWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString* error) override
    {
        m_context = &context;
        // What each family writes on a row that is not its own never changes: written
        // once here, copied onto each row (most of a row's columns are these nulls).
        m_nullColumns.clear();
        for (const Family* family : families::all()) {
            std::string columns;
            JsonWriter json(columns);
            json.beginObject();
            families::exporting(*family).writeColumns(json, nullptr);
            json.endObject();
            m_nullColumns.push_back(columns.substr(1, columns.size() - 2)); // without the braces
        }
        return m_file.open(context.root + QStringLiteral("/agent_chain/train.jsonl"), error);
    }

    bool trajectory(const Trajectory& trajectory, QString* error) override
    {
        // The session's columns, the same on each of its rows.
        std::string sessionColumns;
        {
            JsonWriter json(sessionColumns);
            json.beginObject();
            json.field("session_id", trajectory.session.id());
            json.field("task", trajectory.session.task());
            json.bytesOrNull("expert", trajectory.session.expert());
            json.bytesOrNull("session_verdict", store::vocabulary::verdictName(trajectory.verdict()).toStdString());
        }
        StepCursor cursor(trajectory);
        while (const Step* next = cursor.next()) {
            const Step& step = *next;
            // Built right where it goes: the rows are most of an export's bytes.
            const bool written = m_file.append(
                [&](std::string& out) {
                    out += sessionColumns; // "{" and the session's columns
                    writeStep(out, step);
                    out += '\n';
                },
                error);
            if (!written)
                return false;
        }
        if (!cursor.ok()) {
            *error = cursor.error();
            return false;
        }
        return true;
    }

    bool finish(const ExportStats&, QString* error) override { return m_file.close(error); }

private:
    // A row's columns after the session's, and its closing brace.
    void writeStep(std::string& out, const Step& step) const
    {
        const auto all = families::all();
        JsonWriter json(out);
        json.continueObject();
        json.field("step_index", step.index);
        json.field("tool", step.tool());
        families::exporting(step).writeAction(json.key("action"), step);
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
        json.textOrNull("outcome_reason", step.outcomeReason);
        json.textOrNull("derived_outcome", step.derivedOutcome ? toString(*step.derivedOutcome) : QString());
        json.textOrNull("thought", step.thought);
        json.textOrNull("thought_source", step.thoughtSource);
        json.field("start_ns", step.startNs);
        json.field("end_ns", step.endNs);
        json.field("duration_ns", step.durationNs);
        json.field("start_time", exportutil::isoTimeText(step.startNs).view());
        json.key("event_ids").beginArray();
        for (const std::string& id : step.eventIds)
            json.value(id);
        json.endArray();
        // Every family's columns on every row, null where they do not apply.
        for (size_t i = 0; i < all.size(); ++i) {
            const Family* family = all[i];
            if (step.family == family || step.effectsFamily == family)
                families::exporting(*family).writeColumns(json, &step);
            else if (!m_nullColumns[i].empty())
                json.raw(m_nullColumns[i]);
        }
        QStringList images;
        for (const QString& hash : step.screenshots) {
            const QString path = m_context->imagePath(hash);
            if (!path.isEmpty())
                images.append(path);
        }
        json.stringList("images", images);
        json.numberOrNull("attempt", step.attempt, step.hasAttempts());
        json.numberOrNull("retry_of", step.retryOf, step.retryOf >= 0);
        json.numberOrNull("retried_by", step.retriedBy, step.retriedBy >= 0);
        json.numberOrNull("recovers", step.recovers, step.recovers >= 0);
        json.key("fix_steps").beginArray();
        for (const int fix : step.fixSteps)
            json.value(fix);
        json.endArray();
        const auto rating = step.rating();
        json.numberOrNull("rating", rating.value_or(0), rating.has_value());
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
    }

    const ExportContext* m_context = nullptr;
    std::vector<std::string> m_nullColumns; // per family of families::all()
    OutputFile m_file;
};

} // namespace

std::unique_ptr<FormatWriter> makeAgentChainWriter()
{
    return std::make_unique<AgentChainWriter>();
}

} // namespace trailmark::chains
