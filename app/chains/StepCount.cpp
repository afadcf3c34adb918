#include "chains/StepCount.h"

#include "chains/families/DerivingFacet.h"
#include "chains/families/FamilyRegistry.h"

namespace trailmark::chains {

bool opensStep(int bodyKind)
{
    const auto body = static_cast<v1::Event::BodyCase>(bodyKind);
    const Family* family = families::ofBody(body);
    return family && families::deriving(*family).opensStep(body);
}

qint64 stepCount(const store::EventKindCounts& eventsPerKind)
{
    qint64 steps = 0;
    for (auto it = eventsPerKind.cbegin(); it != eventsPerKind.cend(); ++it)
        steps += opensStep(it.key()) ? it.value() : 0;
    return steps;
}

} // namespace trailmark::chains
