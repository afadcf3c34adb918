#pragma once

#include "chains/Step.h"
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

} // namespace trailmark::chains
