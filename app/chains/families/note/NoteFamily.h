#pragma once

namespace trailmark::chains {

class EventFamily;

// Notes from the expert: a step of their own (not an action) whose text becomes the thought
// of the next action step.
const EventFamily& noteFamily();

} // namespace trailmark::chains
