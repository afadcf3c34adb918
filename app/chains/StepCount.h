#pragma once

#include "store/Store.h"

namespace trailmark::chains {

// Whether an event of this body kind (v1::Event::BodyCase) opens a step of its own.
bool opensStep(int bodyKind);

// How many steps a session's events make, from its event count per body kind, without
// building the trajectory. Agrees with TrajectoryBuilder except in two rare cases it
// cannot see from counts: a CommandFinished whose start was not recorded, and a
// TitleChange before any AppSwitch (a window already active when recording began);
// each of those opens a step too.
qint64 stepCount(const store::EventKindCounts& eventsPerKind);

} // namespace trailmark::chains
