#pragma once

namespace trailmark::chains {

class EventFamily;

// Screenshots: no steps of their own; each is attached to the step it was taken in (or the
// first step, when taken before any).
const EventFamily& screenshotFamily();

} // namespace trailmark::chains
