#pragma once

#include "store/Store.h"

#include <string>
#include <string_view>

namespace trailmark::team {

// One event as a line of COPY text for trailmark.events (id, session, seq, time_ns,
// kind, payload): what a push sends, and what its benchmark's COPY reference sends.
void appendEventCopyRow(std::string& out, std::string_view sessionId, const store::Store::EventRow& row);

} // namespace trailmark::team
