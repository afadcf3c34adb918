#include "chains/export/ToolStyle.h"

namespace trailmark::chains {

const char* nameOf(EditStyle style)
{
    return style == EditStyle::ApplyPatch ? "apply_patch" : "str_replace";
}

std::optional<EditStyle> parseEditStyle(const QString& name)
{
    for (const EditStyle style : {EditStyle::StrReplace, EditStyle::ApplyPatch}) {
        if (name == QLatin1String(nameOf(style)))
            return style;
    }
    return std::nullopt;
}

} // namespace trailmark::chains
