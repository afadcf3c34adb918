#include "chains/StepCount.h"

#include "chains/families/EventFamily.h"
#include "chains/families/FamilyRegistry.h"

namespace trailmark::chains {

bool opensStep(int bodyKind)
{
    const auto body = static_cast<v1::Event::BodyCase>(bodyKind);
    const EventFamily* family = families::ofBody(body);
    return family && family->opensStep(body);
}

qint64 stepCount(const store::EventKindCounts& eventsPerKind)
{
    qint64 steps = 0;
    for (auto it = eventsPerKind.cbegin(); it != eventsPerKind.cend(); ++it)
        steps += opensStep(it.key()) ? it.value() : 0;
    return steps;
}

} // namespace trailmark::chains
