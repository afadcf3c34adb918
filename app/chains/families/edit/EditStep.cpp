#include "chains/families/edit/EditStep.h"

#include <algorithm>

namespace trailmark::chains {

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

const unidiff::FileDiff* diffOf(const std::vector<unidiff::FileDiff>& files, const v1::FileChange& change)
{
    const auto found = std::find_if(files.begin(), files.end(), [&](const unidiff::FileDiff& file) {
        return (file.newPath.empty() ? file.oldPath : file.newPath) == change.path();
    });
    return found == files.end() ? nullptr : &*found;
}

} // namespace trailmark::chains
