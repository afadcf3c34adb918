#pragma once

#include "chains/Step.h"
#include "trailmark/v1/event.pb.h"

namespace trailmark::chains {

// One action inside a GUI app (click, drag, scroll, typing, key, hotkey) as recorded:
// coordinates, the UI element it hit and the keyframe (also in Step::screenshots).
struct GuiStep final : StepDetailOf<GuiStep>
{
    v1::GuiAction action;
    // Dialogs and alerts the app put up right after the action, as read.
    std::vector<v1::GuiAlert> alerts;
};

} // namespace trailmark::chains
