#pragma once

#include "chains/Step.h"
#include "trailmark/v1/event.pb.h"

#include <QPoint>
#include <QRect>
#include <QString>
#include <QStringList>

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

class QJsonObject;

namespace trailmark::chains {

class DerivationContext;
class JsonWriter;

// Turns one trajectory's events of a family into steps. One deriver per trajectory being
// built, so it may keep state (open commands, the active app).
class StepDeriver
{
public:
    virtual ~StepDeriver() = default;
    // The next event of one of the family's bodies, in seq order, after redaction.
    virtual void add(const v1::Event& event, DerivationContext& context) = 0;
    // After the last event: close what is still open (its steps are still whole).
    virtual void close(DerivationContext&) {}
    // Then, on the outlines of every step (DerivationContext::outline), after reviewers'
    // outcome corrections: link what needs every step (retries, recoveries).
    virtual void finish(DerivationContext&) {}
};

// A text of a step that a reviewer may redact: which of the step's events holds it
// (index into Step::eventIds), the event body's field name, and a label for people.
struct RedactableText
{
    size_t eventIndex = 0;
    QString field;
    QString label;
    std::string bytes;
};

// A lane of the review timeline: steps with the same key share a row.
struct TimelineLane
{
    QString key;
    QString label;
};

// Where a step acted on its screenshot, for the review view to draw over the picture
// (never into it): the point, where a drag ended, the UI element's box, in the
// screenshot's pixels.
struct ScreenMarks
{
    QString screenshot; // SHA-256 (hex) of the picture the marks belong on
    QPoint point;
    std::optional<QPoint> end;
    QRect elementBox; // empty when no element is known
    QString label;    // "push button 'Save'"
};

// How the chat formats write the steps of families that have a choice: the two tool
// styles coding agents edit files with.
enum class EditStyle
{
    StrReplace, // a str_replace editor: path, old_str, new_str; create with file_text
    ApplyPatch, // apply_patch with a unified diff
};
const char* nameOf(EditStyle style);
std::optional<EditStyle> parseEditStyle(const QString& name);

struct ToolStyle
{
    EditStyle edits = EditStyle::StrReplace;
};

// One tool call of a chat format, with what the tool answered.
struct ToolCall
{
    std::string_view tool;
    std::string arguments; // a JSON object text
    std::string observation;
};

// A family is one kind of thing an expert does or records (a shell command, a window
// switch, a note, a screenshot, a marker): the events it owns, how they read, how they
// become steps, and what such a step is as an export tool call. Everything particular
// to one kind lives with its family (families/<name>/); the trajectory builder, the
// exporters, `show` and the GUI ask the registry (FamilyRegistry.h) and name none.
//
// Which fields of its events are text that redaction covers is said by its message in
// event.proto (`[(text_role) = ...]`), so the store and the capture redactor, which sit
// below the families, read the same answer (store/EventFields.h).
class EventFamily
{
public:
    virtual ~EventFamily() = default;

    // The family's name, and the tool of its steps as `show`, the GUI and the native
    // export call it: "shell", "app", "note".
    virtual std::string_view name() const = 0;
    // The Event body cases it owns.
    virtual std::vector<v1::Event::BodyCase> bodies() const = 0;

    // ---- events
    // One line for an event of the family, as the live feed and `show` print it.
    virtual QString describeEvent(const v1::Event& event) const = 0;
    // Events of one step that share a key (a command's start and finish share its
    // command_id): a reviewer's span on the step's opening event for a field that only a
    // later event has applies to that later event. Empty when events stand alone.
    virtual std::string_view stepKey(const v1::Event&) const { return {}; }
    // Null for families whose events open no steps (markers).
    virtual std::unique_ptr<StepDeriver> makeDeriver() const = 0;
    // Whether each event of this body opens a step of its own, so that steps can be
    // counted from event kinds in SQL (StepCount.h) without deriving them.
    virtual bool opensStep(v1::Event::BodyCase) const { return false; }

    // ---- steps
    // Notes are steps, but not actions: they become the thought of the next action.
    virtual bool isAction() const { return true; }
    // Whether its steps are tried again (attempt numbers, retry links are theirs).
    virtual bool hasAttempts() const { return false; }
    virtual QString actionText(const Step&) const { return {}; }
    // Writes the action text as one JSON string value; families with byte-exact text
    // write their bytes without the trip through QString.
    virtual void writeAction(JsonWriter& json, const Step& step) const;
    virtual QString observationText(const Step&) const { return {}; }
    // The observation as UTF-8 bytes; families with byte-exact text override it.
    virtual std::string observationUtf8(const Step& step) const;
    // Writes the observation as one JSON string value (after its key).
    virtual void writeObservation(JsonWriter& json, const Step& step) const;

    // ---- how steps read to people (show, the Review tab)
    // The Tool column: the family name, or something more precise ("zsh").
    virtual QString toolLabel(const Step& step) const;
    // The Outcome column: the outcome's name, or what says more ("exit 2", "goal").
    virtual QString outcomeLabel(const Step& step) const;
    virtual TimelineLane lane(const Step& step) const;
    // Timeline colour (0xRRGGBB) of a step with this outcome that is not an error (an
    // outline knows the outcome: the timeline draws without deriving steps).
    virtual quint32 color(StepOutcome) const { return 0x808080; }
    // How `show` frames the action text, with %1 for it: "$ %1", "“%1”".
    virtual QString showActionPattern() const { return QStringLiteral("%1"); }
    // What `show` adds after the action on the same line ("ok", "ERROR (exit 2)").
    virtual QString showOutcome(const Step&) const { return {}; }
    // Lines `show` prints under the step ("titles: …", "output: …"), without indent.
    virtual QStringList showDetails(const Step&) const { return {}; }
    // Facts the step details view lists ("bash in /src", "exit 2").
    virtual QStringList detailFacts(const Step&) const { return {}; }
    virtual std::vector<RedactableText> redactableTexts(const Step&) const { return {}; }
    // Where the step acted on the screen (GUI actions); nullopt for steps with no point.
    virtual std::optional<ScreenMarks> screenMarks(const Step&) const { return std::nullopt; }

    // ---- exports
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
    // Whether the family's steps change files (edits): a recovery's fix is made of them.
    virtual bool changesFiles() const { return false; }
    // For a step of another family whose effects this family describes (Step::effects):
    // the lines `show` and the details view add, and the texts a reviewer may redact.
    virtual QStringList effectLines(const Step&) const { return {}; }
    virtual std::vector<RedactableText> effectTexts(const Step&) const { return {}; }
    // What the dataset card calls its steps ("shell commands"); empty for families
    // whose events open no steps.
    virtual std::string_view countLabel() const { return {}; }
    // The family's own columns of a native agent_chain row, every one of them: its
    // values for its own steps, null for a step of another family (step == nullptr).
    virtual void writeColumns(JsonWriter&, const Step*) const {}
    // The same for a step in `show --json`.
    virtual void addJsonFields(QJsonObject&, const Step*) const {}
};

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

// One line for the terminal: newlines shown as ⏎ so a multi-line text stays one row, cut
// with "…" past maxLength characters.
QString oneLine(QString text, qsizetype maxLength = 160);

} // namespace trailmark::chains
