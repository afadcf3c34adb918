#include "chains/Step.h"
#include "chains/export/FormatWriters.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/FamilyRegistry.h"

namespace trailmark::chains {
namespace {

struct Config
{
    const char* format;
    // The `datasets` config name; nullptr for files a card cannot offer as a config.
    const char* configName;
    const char* path;
    const char* description;
};

// `datasets` picks one builder for a whole card (load.py infers the module from the
// default config's files and uses it for every config), so only JSON Lines folders are
// configs; the per-session documents are listed as files.
constexpr Config kConfigs[] = {
    {"agent-chain", "agent_chain", "agent_chain/train.jsonl",
     "one row per step: action, observation, outcome, thought, retries, reviewer ratings; lossless (exact bytes as "
     "base64 where text is not UTF-8)"},
    {"openai", "openai", "openai/train.jsonl",
     "one conversation per session in OpenAI's chat fine-tuning format with `tools` and `tool_calls`; the expert's "
     "thought is the assistant's `content` before its tool call; `weight: 0` on failed attempts that were retried; "
     "passes OpenAI's format checks (no other message keys; for the thought as `reasoning_content`, export "
     "format openai-reasoning)"},
    {"openai-reasoning", "openai_reasoning", "openai_reasoning/train.jsonl",
     "the same conversations with the thought as `reasoning_content` (content empty), for trainers that read it "
     "(Axolotl's chat_template `field_thinking`, reasoning chat templates); OpenAI's fine-tuning API rejects that key"},
    {"sharegpt", "sharegpt", "sharegpt/train.jsonl",
     "one conversation per session in ShareGPT form (human / function_call / observation / gpt) with `tools`, as "
     "LLaMA-Factory reads it; tool arguments stay objects here, where its OpenAI converter keeps OpenAI's argument "
     "strings as strings"},
    {"reasoning", "reasoning", "reasoning/train.jsonl",
     "one chain per session in PRM800K's row shape (`question.problem`, `label.steps[].completions[]` with `text`, "
     "`rating`, `flagged`, `human_completion`, `chosen_completion`, `label.finish_reason`), as TRL's PRM800K script "
     "reads it; unrated steps are the expert's `human_completion`, failed attempts that were retried are rated -1"},
    {"atif", nullptr, "atif/*.json",
     "one ATIF v1.4 trajectory per session (Harbor / Terminal-Bench tooling); not a `datasets` config: tool "
     "arguments are objects whose fields differ by tool"},
    {"react", nullptr, "react/*.txt",
     "one ReAct transcript per session (Thought / Action / Observation); plain text to read or prompt with, not a "
     "`datasets` config (a card's configs share one builder)"},
};

// `README.md`: a Hugging Face dataset card. The YAML `configs` let
// `datasets.load_dataset(folder, name)` find each format's files; the body says what
// is in them. Only the formats of this export are listed.
class DatasetCardWriter final : public FormatWriter
{
public:
    bool begin(const ExportContext& context, QString*) override
    {
        m_context = &context;
        return true;
    }

    bool trajectory(const Trajectory&, QString*) override { return true; }

    bool finish(const ExportStats& stats, QString* error) override
    {
        QString card = QStringLiteral("---\npretty_name: Trailmark expert trajectories\n"
                                      "tags:\n- agent\n- tool-use\n- trajectories\n- process-supervision\n"
                                      "task_categories:\n- text-generation\nconfigs:\n");
        QString body;
        for (const Config& config : kConfigs) {
            if (!m_context->formats.contains(QLatin1String(config.format)))
                continue;
            if (config.configName) {
                card += QStringLiteral("- config_name: %1\n  data_files:\n  - split: train\n    path: %2\n")
                            .arg(QLatin1String(config.configName), QLatin1String(config.path));
                body += QStringLiteral("- config `%1` (`%2`): %3\n")
                            .arg(QLatin1String(config.configName), QLatin1String(config.path),
                                 QLatin1String(config.description));
            } else {
                body +=
                    QStringLiteral("- `%1`: %2\n").arg(QLatin1String(config.path), QLatin1String(config.description));
            }
        }
        if (wantsDatasetInfo(m_context->formats))
            body += QStringLiteral("- `dataset_info.json`: LLaMA-Factory's registration of each chat folder "
                                   "(`trailmark_<folder>`) with its tool calls and `tools`\n");
        if (m_context->formats.contains(QStringLiteral("protobuf")))
            body += QStringLiteral("- `trailmark.pb`: every event as a length-delimited `trailmark.v1.Event`; "
                                   "schema in `proto/trailmark/v1/`\n");
        card += QStringLiteral("---\n\n# Trailmark expert trajectories\n\n"
                               "Recorded with Trailmark: how experts chain shell commands, application windows and "
                               "notes to get a task done, including their errors, retries and recoveries, with "
                               "reviewer ratings. Secrets were redacted before storage.\n\n## Files\n\n"
                               "Each config loads with `datasets.load_dataset(folder, config)`.\n\n");
        card += body;
        card += QStringLiteral("\n## Statistics\n\n| | count |\n|---|---:|\n");
        std::vector<std::pair<std::string_view, qint64>> rows{{"sessions", stats.sessions}, {"steps", stats.steps}};
        const auto families = families::all();
        for (size_t i = 0; i < families.size(); ++i) {
            const std::string_view label = families::exporting(*families[i]).countLabel();
            if (!label.empty())
                rows.emplace_back(label, i < stats.stepsByFamily.size() ? stats.stepsByFamily[i] : 0);
        }
        rows.insert(rows.end(), {{"errors", stats.errors},
                                 {"retries", stats.retries},
                                 {"recoveries", stats.recoveries},
                                 {"rated steps", stats.ratedSteps},
                                 {"screenshots", stats.images}});
        for (const auto& [name, value] : rows)
            card += QStringLiteral("| %1 | %2 |\n")
                        .arg(QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size())))
                        .arg(value);
        const QByteArray bytes = card.toUtf8();
        return OutputFile::writeWhole(m_context->root + QStringLiteral("/README.md"),
                                      std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), error);
    }

private:
    const ExportContext* m_context = nullptr;
};

} // namespace

std::unique_ptr<FormatWriter> makeDatasetCardWriter()
{
    return std::make_unique<DatasetCardWriter>();
}

} // namespace trailmark::chains
