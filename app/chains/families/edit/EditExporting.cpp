#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/edit/EditFamily.h"
#include "chains/families/edit/EditStep.h"
#include "chains/families/edit/UnifiedDiff.h"

namespace trailmark::chains {
namespace {

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

class EditExporting final : public ExportingFacet
{
public:
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
    QString observationText(const Step& step) const override { return utf8Text(observationUtf8(step)); }
    std::string observationUtf8(const Step& step) const override { return observationOf(editOf(step)); }

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
};

} // namespace

const ExportingFacet& editExporting()
{
    static const EditExporting facet;
    return facet;
}

} // namespace trailmark::chains
