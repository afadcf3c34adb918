#include "StepCount.h"

namespace trailmark::chains {

bool opensStep(int bodyKind)
{
    switch (bodyKind) {
    case v1::Event::kCommandStarted:
    case v1::Event::kAppSwitch:
    case v1::Event::kNote:
        return true;
    default:
        return false;
    }
}

qint64 stepCount(const EventKindCounts& eventsPerKind)
{
    qint64 steps = 0;
    for (auto it = eventsPerKind.cbegin(); it != eventsPerKind.cend(); ++it)
        steps += opensStep(it.key()) ? it.value() : 0;
    return steps;
}

} // namespace trailmark::chains
