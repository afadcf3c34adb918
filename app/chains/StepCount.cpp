#include "StepCount.h"

#include "EventFamily.h"
#include "FamilyRegistry.h"

namespace trailmark::chains {

bool opensStep(int bodyKind)
{
    const auto body = static_cast<v1::Event::BodyCase>(bodyKind);
    const EventFamily* family = families::ofBody(body);
    return family && family->opensStep(body);
}

qint64 stepCount(const EventKindCounts& eventsPerKind)
{
    qint64 steps = 0;
    for (auto it = eventsPerKind.cbegin(); it != eventsPerKind.cend(); ++it)
        steps += opensStep(it.key()) ? it.value() : 0;
    return steps;
}

} // namespace trailmark::chains
