#include "chains/families/edit/EditFamily.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/EventFamily.h"
#include "chains/families/edit/EditStep.h"
#include "chains/families/edit/UnifiedDiff.h"

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>

namespace trailmark::chains {
namespace {

// Files named in one line of `show` or the live feed.
constexpr int kFilesNamed = 5;

QString text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

const EditStep& editOf(const Step& step)
{
    return *step.as<EditStep>();
}

// The files a step changed: an edit's own, or a command's effects; nullptr for neither.
const EditStep* editsOf(const Step* step)
{
    if (!step)
        return nullptr;
    const EditStep* own = step->as<EditStep>();
    return own ? own : step->effectsAs<EditStep>();
}

const char* kindName(v1::FileChange::Kind kind)
{
    switch (kind) {
    case v1::FileChange::KIND_CREATED:
        return "created";
    case v1::FileChange::KIND_DELETED:
        return "deleted";
    case v1::FileChange::KIND_RENAMED:
        return "renamed";
    default:
        return "modified";
    }
}

// Why a change has no diff to show or replay; empty when it has one.
QString withoutDiff(const v1::FileChange& change)
{
    if (change.content_withheld())
        return QStringLiteral("content withheld");
    if (change.binary())
        return QStringLiteral("binary");
    if (change.over_size_cap())
        return QStringLiteral("over the size cap");
    return {};
}

// A change as a tool call can replay it: its text known exactly, before and after.
bool replayable(const v1::FileChange& change)
{
    return withoutDiff(change).isEmpty() && !change.diff_truncated() && !change.baseline_unknown();
}

void merge(EditStep& edit, const v1::FileEdit& body)
{
    if (edit.workTree.empty())
        edit.workTree = body.work_tree();
    edit.changes.insert(edit.changes.end(), body.changes().begin(), body.changes().end());
    edit.filesChanged += body.files_changed();
    edit.diff += body.diff();
    if (edit.appClass.empty())
        edit.appClass = body.app_class();
}

// The file diffs by new path (old path for a deletion).
const unidiff::FileDiff* diffOf(const std::vector<unidiff::FileDiff>& files, const v1::FileChange& change)
{
    const auto found = std::find_if(files.begin(), files.end(), [&](const unidiff::FileDiff& file) {
        return (file.newPath.empty() ? file.oldPath : file.newPath) == change.path();
    });
    return found == files.end() ? nullptr : &*found;
}

// "src/io.c (+3 −1)", "notes.txt (created, +12)", ".env (modified, content withheld)".
QString changeSummary(const v1::FileChange& change, const std::vector<unidiff::FileDiff>& files)
{
    QStringList facts;
    if (change.kind() == v1::FileChange::KIND_RENAMED)
        facts.append(QStringLiteral("renamed from %1").arg(QString::fromStdString(change.old_path())));
    else if (change.kind() != v1::FileChange::KIND_MODIFIED)
        facts.append(QString::fromLatin1(kindName(change.kind())));
    if (const QString why = withoutDiff(change); !why.isEmpty()) {
        if (facts.isEmpty())
            facts.append(QStringLiteral("modified"));
        facts.append(why);
    } else if (const unidiff::FileDiff* file = diffOf(files, change)) {
        QString counts;
        if (file->added > 0)
            counts += QStringLiteral("+%1").arg(file->added);
        if (file->removed > 0)
            counts += (counts.isEmpty() ? QString() : QStringLiteral(" ")) + QStringLiteral("−%1").arg(file->removed);
        if (!counts.isEmpty())
            facts.append(counts);
    }
    if (change.diff_truncated())
        facts.append(QStringLiteral("diff cut at the cap"));
    const QString path = QString::fromStdString(change.path());
    return facts.isEmpty() ? path : QStringLiteral("%1 (%2)").arg(path, facts.join(QStringLiteral(", ")));
}

QString filesLine(const EditStep& edit)
{
    const std::vector<unidiff::FileDiff> files = unidiff::parse(edit.diff);
    QStringList named;
    for (const v1::FileChange& change : edit.changes) {
        if (named.size() == kFilesNamed)
            break;
        named.append(changeSummary(change, files));
    }
    const qint64 more = static_cast<qint64>(edit.filesChanged) - named.size();
    if (more > 0)
        named.append(QStringLiteral("%1 more").arg(more));
    return named.join(QStringLiteral(", "));
}

// What a step's observation says beyond its diff: changes it holds no diff of.
std::string observationOf(const EditStep& edit)
{
    std::string out = edit.diff;
    std::string notes;
    const std::vector<unidiff::FileDiff> files = unidiff::parse(edit.diff);
    for (const v1::FileChange& change : edit.changes) {
        const QString why = withoutDiff(change);
        if (!why.isEmpty())
            notes += change.path() + ": " + kindName(change.kind()) + ", " + why.toStdString() + "\n";
        else if (change.diff_truncated())
            notes += change.path() + ": the diff was cut at the capture's cap\n";
        else if (change.kind() == v1::FileChange::KIND_RENAMED && !diffOf(files, change))
            notes += change.path() + ": renamed from " + change.old_path() + ", content unchanged\n";
        if (change.baseline_unknown())
            notes += change.path() + ": its content before was never seen; the diff is against an empty file\n";
    }
    if (edit.filesChanged > edit.changes.size())
        notes += "(" + std::to_string(edit.filesChanged - edit.changes.size()) + " more files changed, not listed)\n";
    if (!out.empty() && !notes.empty() && out.back() != '\n')
        out += '\n';
    return out + notes;
}

std::string shellQuoted(const std::string& path)
{
    std::string out = "'";
    for (const char c : path) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

std::string shellCall(const std::string& command)
{
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("command", command).endObject();
    return out;
}

std::string editorCall(std::string_view command, const std::string& path,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> fields)
{
    std::string out;
    JsonWriter json(out);
    json.beginObject().field("command", command).field("path", path);
    for (const auto& [name, value] : fields)
        json.field(name, value);
    json.endObject();
    return out;
}

// The str_replace editor calls that make the step's changes, in path order: `create`
// with the whole text of a new file, one `str_replace` per changed stretch of a file,
// and the shell's rm and mv for what the editor cannot do.
std::vector<ToolCall> strReplaceCalls(const EditStep& edit)
{
    std::vector<ToolCall> calls;
    const std::vector<unidiff::FileDiff> files = unidiff::parse(edit.diff);
    for (const v1::FileChange& change : edit.changes) {
        if (!replayable(change))
            continue; // withheld, binary, cut or against an unknown text: nothing exact to replay
        const std::string& path = change.path();
        if (change.kind() == v1::FileChange::KIND_DELETED) {
            calls.push_back({"shell", shellCall("rm -- " + shellQuoted(path)), ""});
            continue;
        }
        if (change.kind() == v1::FileChange::KIND_RENAMED)
            calls.push_back(
                {"shell", shellCall("mv -- " + shellQuoted(change.old_path()) + " " + shellQuoted(path)), ""});
        const unidiff::FileDiff* file = diffOf(files, change);
        if (change.kind() == v1::FileChange::KIND_CREATED) {
            const std::string content = file && !file->hunks.empty() ? file->hunks.front().after : std::string();
            calls.push_back({"str_replace_editor", editorCall("create", path, {{"file_text", content}}),
                             "File created successfully at: " + path});
            continue;
        }
        if (!file)
            continue;
        for (const unidiff::Hunk& hunk : file->hunks) {
            // A file that was empty has no text to replace: it is written whole.
            if (hunk.before.empty())
                calls.push_back({"str_replace_editor", editorCall("create", path, {{"file_text", hunk.after}}),
                                 "File created successfully at: " + path});
            else
                calls.push_back({"str_replace_editor",
                                 editorCall("str_replace", path, {{"old_str", hunk.before}, {"new_str", hunk.after}}),
                                 "The file " + path + " has been edited."});
        }
    }
    return calls;
}

// The patch `git apply` takes for the step's changes: each replayable file's part of
// the diff, with the rename headers git needs.
std::vector<ToolCall> applyPatchCalls(const EditStep& edit)
{
    const std::vector<unidiff::FileDiff> files = unidiff::parse(edit.diff);
    std::string patch;
    std::string summary = "Success. Updated the following files:\n";
    for (const v1::FileChange& change : edit.changes) {
        if (!replayable(change))
            continue;
        const unidiff::FileDiff* file = diffOf(files, change);
        const bool renamed = change.kind() == v1::FileChange::KIND_RENAMED;
        if (renamed) {
            const std::string_view text = file ? file->text : std::string_view();
            const size_t firstLineEnd = text.find('\n');
            patch += "diff --git a/" + change.old_path() + " b/" + change.path() + "\n";
            if (!file)
                patch += "similarity index 100%\n";
            patch += "rename from " + change.old_path() + "\nrename to " + change.path() + "\n";
            if (file && firstLineEnd != std::string_view::npos)
                patch.append(text.substr(firstLineEnd + 1));
        } else if (file) {
            patch.append(file->text);
        } else {
            continue; // modified with no text change (touched): nothing to patch
        }
        const char letter = change.kind() == v1::FileChange::KIND_CREATED   ? 'A'
                            : change.kind() == v1::FileChange::KIND_DELETED ? 'D'
                                                                            : 'M';
        summary += std::string(1, letter) + " " + change.path() + "\n";
    }
    if (patch.empty())
        return {};
    std::string arguments;
    JsonWriter json(arguments);
    json.beginObject().field("patch", patch).endObject();
    return {{"apply_patch", std::move(arguments), std::move(summary)}};
}

class EditDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        const v1::FileEdit& body = event.file_edit();
        if (body.command_effects() && !body.command_id().empty()) {
            if (const int command = context.stepWithKey(body.command_id()); command >= 0) {
                context.attachTo(
                    command, event,
                    [&body](Step& step) {
                        if (!step.effects) {
                            step.effects = std::make_unique<EditStep>();
                            step.effectsFamily = &editFamily();
                        }
                        EditStep& effects = *step.effectsAs<EditStep>();
                        if (effects.workTree.empty()) {
                            effects.firstEventIndex = step.eventIds.size();
                            effects.firstDiffSize = body.diff().size();
                        }
                        merge(effects, body);
                    },
                    true);
                return;
            }
            // Its command was not recorded (recording began while it ran): a step of
            // its own, so the change is not lost.
        }
        Step& step = context.openStep(editFamily(), event);
        auto edit = std::make_unique<EditStep>();
        merge(*edit, body);
        step.detail = std::move(edit);
        step.outcome = StepOutcome::Ok;
        context.release(step.index);
    }
};

class EditFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "edit"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kFileEdit}; }

    QString describeEvent(const v1::Event& event) const override
    {
        EditStep edit;
        merge(edit, event.file_edit());
        return event.file_edit().command_effects()
                   ? QStringLiteral("  ↳ changed %1 file(s): %2").arg(edit.filesChanged).arg(filesLine(edit))
                   : QStringLiteral("edited %1").arg(filesLine(edit));
    }
    std::string_view stepKey(const v1::Event& event) const override
    {
        // A command's effects are redacted through the command's step.
        return event.file_edit().command_effects() ? std::string_view(event.file_edit().command_id())
                                                   : std::string_view();
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<EditDeriver>(); }
    // Most edits are saves (a step each); a command's effects, counted here too, are
    // the rarer case the SQL count cannot tell apart.
    bool opensStep(v1::Event::BodyCase) const override { return true; }
    bool changesFiles() const override { return true; }

    QString actionText(const Step& step) const override
    {
        const EditStep& edit = editOf(step);
        if (edit.changes.empty())
            return QStringLiteral("edit");
        const v1::FileChange& first = edit.changes.front();
        const QString path = QString::fromStdString(first.path());
        QString action;
        switch (first.kind()) {
        case v1::FileChange::KIND_CREATED:
            action = QStringLiteral("create %1").arg(path);
            break;
        case v1::FileChange::KIND_DELETED:
            action = QStringLiteral("delete %1").arg(path);
            break;
        case v1::FileChange::KIND_RENAMED:
            action = QStringLiteral("rename %1 → %2").arg(QString::fromStdString(first.old_path()), path);
            break;
        default:
            action = QStringLiteral("edit %1").arg(path);
        }
        if (edit.filesChanged > 1)
            action += QStringLiteral(" (+%1 more files)").arg(edit.filesChanged - 1);
        return action;
    }
    QString observationText(const Step& step) const override { return text(observationUtf8(step)); }
    std::string observationUtf8(const Step& step) const override { return observationOf(editOf(step)); }

    TimelineLane lane(const Step&) const override { return {QStringLiteral("edits"), QStringLiteral("edits")}; }
    quint32 color(StepOutcome) const override { return 0xb5651d; }
    QString showOutcome(const Step& step) const override { return toString(step.outcome); }
    QStringList showDetails(const Step& step) const override
    {
        return {QStringLiteral("files: ") + filesLine(editOf(step))};
    }
    QStringList detailFacts(const Step& step) const override
    {
        const EditStep& edit = editOf(step);
        QStringList facts{QStringLiteral("in %1").arg(text(edit.workTree))};
        if (!edit.appClass.empty())
            facts.append(QStringLiteral("saved in %1").arg(text(edit.appClass)));
        facts.append(QStringLiteral("%1 file(s)").arg(edit.filesChanged));
        return facts;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        return {{0, QStringLiteral("diff"), QStringLiteral("Diff"), editOf(step).diff}};
    }

    QStringList effectLines(const Step& step) const override
    {
        const EditStep* edit = step.effectsAs<EditStep>();
        if (!edit)
            return {};
        return {QStringLiteral("changed %1 file(s): %2").arg(edit->filesChanged).arg(filesLine(*edit))};
    }
    std::vector<RedactableText> effectTexts(const Step& step) const override
    {
        const EditStep* edit = step.effectsAs<EditStep>();
        if (!edit || edit->diff.empty())
            return {};
        // Spans are offsets into one event's diff: the first FileEdit the step holds
        // (a command writing into two work trees has a second, rarely).
        return {{edit->firstEventIndex, QStringLiteral("diff"), QStringLiteral("Files changed"),
                 edit->diff.substr(0, edit->firstDiffSize)}};
    }

    // Natively (ATIF, agent_chain) an edit is a call of `edit` naming its files; the
    // diff is the observation, byte for byte.
    std::string_view toolName() const override { return "edit"; }
    std::string_view toolPurpose() const override { return "editing files"; }
    std::string toolArguments(const Step& step) const override
    {
        const EditStep& edit = editOf(step);
        std::string out;
        JsonWriter json(out);
        json.beginObject().field("work_tree", edit.workTree).key("paths").beginArray();
        for (const v1::FileChange& change : edit.changes)
            json.value(change.path());
        json.endArray().endObject();
        return out;
    }
    void writeToolSchema(JsonWriter& json) const override
    {
        writeFunctionSchema(json, "edit", "Change files in a work tree; returns the unified diff of the change.",
                            {{"work_tree", "Absolute path of the work tree.", true},
                             {"paths", "Paths of the changed files, relative to the work tree.", true, "array"}});
    }

    std::string_view chatToolName(const ToolStyle& style) const override
    {
        return style.edits == EditStyle::ApplyPatch ? "apply_patch" : "str_replace_editor";
    }
    std::string_view chatToolPurpose(const ToolStyle& style) const override
    {
        return style.edits == EditStyle::ApplyPatch ? "editing files with patches" : "editing files in an editor";
    }
    void writeChatToolSchema(JsonWriter& json, const ToolStyle& style) const override
    {
        if (style.edits == EditStyle::ApplyPatch) {
            writeFunctionSchema(json, "apply_patch",
                                "Apply a patch to files of the working directory, as `git apply` does. The patch "
                                "is a git-style unified diff; it may create, delete, rename and change files.",
                                {{"patch", "The unified diff.", true}});
            return;
        }
        writeFunctionSchema(
            json, "str_replace_editor",
            "Edit a text file. `create` writes file_text as the whole file; `str_replace` replaces old_str, which "
            "must occur exactly once in the file, with new_str.",
            {{"command", "create or str_replace.", true},
             {"path", "Path of the file, relative to the working directory.", true},
             {"file_text", "The file's content, for create."},
             {"old_str", "The exact text to replace, for str_replace."},
             {"new_str", "The text that replaces old_str, for str_replace."}});
    }
    std::optional<std::vector<ToolCall>> chatToolCalls(const Step& step, const ToolStyle& style) const override
    {
        return style.edits == EditStyle::ApplyPatch ? applyPatchCalls(editOf(step)) : strReplaceCalls(editOf(step));
    }
    std::string_view countLabel() const override { return "file edits"; }

    // Its own steps' edits and a command's effects alike: the diff byte for byte
    // (base64 beside it when it is not UTF-8) and the changes.
    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        const EditStep* edit = editsOf(step);
        json.bytesOrNull("work_tree", edit ? edit->workTree : std::string(), edit != nullptr);
        json.key("file_changes");
        if (!edit) {
            json.null();
        } else {
            json.beginArray();
            for (const v1::FileChange& change : edit->changes) {
                json.beginObject().field("path", change.path()).field("kind", kindName(change.kind()));
                json.bytesOrNull("old_path", change.old_path(), !change.old_path().empty());
                json.field("size_before", static_cast<qint64>(change.size_before()));
                json.field("size_after", static_cast<qint64>(change.size_after()));
                json.field("content_withheld", change.content_withheld()).field("binary", change.binary());
                json.field("diff_truncated", change.diff_truncated() || change.over_size_cap());
                json.endObject();
            }
            json.endArray();
        }
        json.numberOrNull("files_changed", edit ? edit->filesChanged : 0, edit != nullptr);
        json.bytesWithBase64("diff", edit ? edit->diff : std::string(), edit != nullptr);
    }
    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const EditStep* edit = editsOf(step);
        QJsonArray changes;
        if (edit) {
            for (const v1::FileChange& change : edit->changes)
                changes.append(QJsonObject{{QStringLiteral("path"), QString::fromStdString(change.path())},
                                           {QStringLiteral("kind"), QString::fromLatin1(kindName(change.kind()))}});
        }
        object.insert(QStringLiteral("file_changes"), edit ? QJsonValue(changes) : QJsonValue());
        object.insert(QStringLiteral("diff"), edit ? QJsonValue(text(edit->diff)) : QJsonValue());
    }
};

} // namespace

const EventFamily& editFamily()
{
    static const EditFamily family;
    return family;
}

} // namespace trailmark::chains
