#pragma once

#include "trailmark/v1/event.pb.h"

#include <span>
#include <string_view>

namespace trailmark::chains {

class EventFamily;

// Every event family, in the order their columns, tools and counts appear in exports.
// Registered in FamilyRegistry.cpp, one line per family.
namespace families {

std::span<const EventFamily* const> all();
// The family that owns a kind of event body; nullptr for BODY_NOT_SET or a body no
// family claims (an event from a newer Trailmark).
const EventFamily* ofBody(v1::Event::BodyCase body);
const EventFamily* named(std::string_view name);

} // namespace families
} // namespace trailmark::chains
