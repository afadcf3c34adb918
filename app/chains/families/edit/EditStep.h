#pragma once

#include "chains/Step.h"
#include "chains/families/Utf8Text.h"
#include "chains/families/edit/UnifiedDiff.h"
#include "trailmark/v1/event.pb.h"

#include <string>
#include <vector>

namespace trailmark::chains {

// Files changed in one work tree: an edit saved in an editor, or (as Step::effects of a
// shell step) what a command wrote as it ran. The diff keeps the recorded bytes: a file
// need not be UTF-8, and the lossless exports carry it as it was.
struct EditStep final : StepDetailOf<EditStep>
{
    std::string workTree;
    std::vector<v1::FileChange> changes; // path order, at most the capture's cap
    quint32 filesChanged = 0;            // all of them, listed or not
    std::string diff;                    // git-style unified diff of the listed changes
    std::string appClass;                // the editor window, for a save outside any command
    // As a command's effects: where in the step's events the first FileEdit is, and how
    // much of `diff` it holds (reviewer spans are offsets into one event's text).
    size_t firstEventIndex = 0;
    size_t firstDiffSize = 0;
};

// The detail of a step of the edit family.
inline const EditStep& editOf(const Step& step)
{
    return *step.as<EditStep>();
}

// The files a step changed: an edit's own, or a command's effects; nullptr for neither.
inline const EditStep* editsOf(const Step* step)
{
    if (!step)
        return nullptr;
    const EditStep* own = step->as<EditStep>();
    return own ? own : step->effectsAs<EditStep>();
}

// Adds one FileEdit event to the files a step changed.
void merge(EditStep& edit, const v1::FileEdit& body);

// "created", "deleted", "renamed", "modified".
const char* kindName(v1::FileChange::Kind kind);
// Why a change has no diff to show or replay; empty when it has one.
QString withoutDiff(const v1::FileChange& change);
// A change as a tool call can replay it: its text known exactly, before and after.
bool replayable(const v1::FileChange& change);
// The file diffs by new path (old path for a deletion).
const unidiff::FileDiff* diffOf(const std::vector<unidiff::FileDiff>& files, const v1::FileChange& change);

} // namespace trailmark::chains
