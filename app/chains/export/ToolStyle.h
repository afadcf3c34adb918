#pragma once

#include <QString>

#include <optional>

namespace trailmark::chains {

// How the chat formats write the steps of families that have a choice: the two tool
// styles coding agents edit files with. An export option (`export --edit-style`, the
// Export dialog), read by the exporting facets (ExportingFacet::chatToolCalls).
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

} // namespace trailmark::chains
