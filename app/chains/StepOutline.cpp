#include "chains/StepOutline.h"

namespace trailmark::chains {

StepOutline outlineOf(const Step& step)
{
    StepOutline outline;
    outline.startNs = step.startNs;
    outline.endNs = step.endNs;
    outline.durationNs = step.durationNs;
    outline.firstSeq = step.firstSeq;
    outline.family = step.family;
    outline.index = step.index;
    outline.attempt = step.attempt;
    outline.retryOf = step.retryOf;
    outline.retriedBy = step.retriedBy;
    outline.recovers = step.recovers;
    outline.outcome = step.outcome;
    outline.derivedOutcome = step.derivedOutcome;
    outline.changesFiles = step.changesFiles();
    outline.isAction = step.isAction();
    outline.hasThought = !step.thought.isEmpty();
    outline.rated = step.rating().has_value();
    return outline;
}

std::vector<int> fixStepsOf(const std::vector<StepOutline>& steps, int index)
{
    std::vector<int> fix;
    const StepOutline& recovery = steps[static_cast<size_t>(index)];
    if (recovery.recovers < 0)
        return fix;
    for (int between = recovery.recovers + 1; between < index; ++between) {
        if (steps[static_cast<size_t>(between)].changesFiles)
            fix.push_back(between);
    }
    return fix;
}

std::vector<int> TrajectoryOutline::fixStepsOf(int index) const
{
    return chains::fixStepsOf(steps, index);
}

} // namespace trailmark::chains
