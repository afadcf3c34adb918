#pragma once

#include "chains/Step.h"
#include "chains/StepOutline.h"

#include <QString>

#include <optional>
#include <vector>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::chains {

// Steps [first, first + count) of an outlined trajectory, derived again from their own
// events in the store, each exactly as deriving the whole session makes it: what its
// family derives from its events (with the reviewers' annotations on them, redactions
// applied), and from the outline what depends on other steps (retry links, the thought
// of an earlier note, the end an app step gets from the next switch, the fix of a
// recovery). Reads only the events of those steps: a page of a session of a million
// events costs what a page of a short one does.
std::optional<std::vector<Step>> materializeSteps(store::Store& store, const TrajectoryOutline& outline, int first,
                                                  int count, QString* error);

} // namespace trailmark::chains
