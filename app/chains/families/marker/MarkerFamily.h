#pragma once

namespace trailmark::chains {

class EventFamily;

// Markers (pause, resume, task boundary, gap): points in the session that are no actions.
const EventFamily& markerFamily();

} // namespace trailmark::chains
