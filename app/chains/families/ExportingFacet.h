#pragma once

#include "chains/Step.h"
#include "chains/export/ToolStyle.h"
#include "chains/families/Family.h"

#include <QString>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trailmark::chains {

class JsonWriter;

// One tool call of a chat format, with what the tool answered.
struct ToolCall
{
    std::string_view tool;
    std::string arguments; // a JSON object text
    std::string observation;
};

// What a family's steps are in the exports: the writers in export/ (agent_chain, ATIF,
// the chat formats, the dataset card). Step's actionText() and observationText(), which
// `show` and the Review tab print too, come from here: a step has one text of each,
// the one the exports carry.
class ExportingFacet
{
public:
    virtual ~ExportingFacet() = default;

    // ---- the step as text
    virtual QString actionText(const Step&) const { return {}; }
    // Writes the action text as one JSON string value; families with byte-exact text
    // write their bytes without the trip through QString.
    virtual void writeAction(JsonWriter& json, const Step& step) const;
    virtual QString observationText(const Step&) const { return {}; }
    // The observation as UTF-8 bytes; families with byte-exact text override it.
    virtual std::string observationUtf8(const Step& step) const;
    // Writes the observation as one JSON string value (after its key).
    virtual void writeObservation(JsonWriter& json, const Step& step) const;
    // The screenshot (SHA-256, hex) a chat format shows with the step's call: the screen
    // the step acted on (a GUI action's keyframe); empty for none.
    virtual QString keyframe(const Step&) const { return {}; }

    // ---- the step as a tool call
    // The tool a chat-format model calls for the family's action steps ("shell",
    // "switch_app"); empty when its steps are no tool calls.
    virtual std::string_view toolName() const { return {}; }
    // How the system prompt names the tool: "running commands in a shell".
    virtual std::string_view toolPurpose() const { return {}; }
    // The call's arguments as a JSON object text ({"command": ...}).
    virtual std::string toolArguments(const Step&) const { return "{}"; }
    // The JSON schema of the tool, one element of OpenAI's `tools` array.
    virtual void writeToolSchema(JsonWriter&) const {}
    // The chat formats' view, where it depends on the style (edits): the tool, its
    // purpose and schema, and the calls a step is. nullopt means one call of
    // toolName() with toolArguments() and the step's observation, as the native
    // formats write it; a step may also be several calls (one per changed stretch of a
    // file), or none (nothing of it can be replayed exactly). A family with no chat
    // tool in a style writes no schema.
    virtual std::string_view chatToolName(const ToolStyle&) const { return toolName(); }
    virtual std::string_view chatToolPurpose(const ToolStyle&) const { return toolPurpose(); }
    virtual void writeChatToolSchema(JsonWriter& json, const ToolStyle&) const { writeToolSchema(json); }
    virtual std::optional<std::vector<ToolCall>> chatToolCalls(const Step&, const ToolStyle&) const
    {
        return std::nullopt;
    }
    // Whether the chat formats offer the family's tool in every conversation (the shell,
    // the editor, app switching), or only in those that use it (acting inside GUI
    // apps: a model that never saw a screen should not be handed a mouse).
    virtual bool offeredWhenUnused() const { return true; }

    // ---- columns and counts
    // What the dataset card calls its steps ("shell commands"); empty for families
    // whose events open no steps.
    virtual std::string_view countLabel() const { return {}; }
    // The family's own columns of a native agent_chain row, every one of them: its
    // values for its own steps (or effects), null for a step of another family
    // (step == nullptr). ATIF writes the file-changing family's into a step's extra.
    virtual void writeColumns(JsonWriter&, const Step*) const {}
};

namespace families {

inline const ExportingFacet& exporting(const Family& family)
{
    return *family.exporting;
}
// The exporting facet of the family that derived the step.
inline const ExportingFacet& exporting(const Step& step)
{
    return *step.family->exporting;
}
// For a family whose events become no exported steps (markers, screenshots): every
// answer empty.
const ExportingFacet& exportsNothing();

} // namespace families

// One parameter of a tool's JSON schema.
struct ToolParameter
{
    std::string_view name;
    std::string_view description;
    bool required = false;
    std::string_view type = "string";
    // For an array: the type of its items ("integer").
    std::string_view items = {};
};

// Writes one element of OpenAI's `tools` array: a function with these parameters, the
// required ones listed in "required" in the order given.
void writeFunctionSchema(JsonWriter& json, std::string_view name, std::string_view description,
                         std::initializer_list<ToolParameter> parameters);

} // namespace trailmark::chains
