#pragma once

#include "trailmark/v1/event.pb.h"

#include <span>
#include <string_view>

namespace trailmark::chains {

struct Family;

// Every event family, in the order their columns, tools and counts appear in exports.
// Registered in FamilyRegistry.cpp, one line per family. Each user then takes the facet
// it needs: families::deriving(), presenting() or exporting() (DerivingFacet.h,
// PresentingFacet.h, ExportingFacet.h).
namespace families {

std::span<const Family* const> all();
// The family that owns a kind of event body; nullptr for BODY_NOT_SET or a body no
// family claims (an event from a newer Trailmark).
const Family* ofBody(v1::Event::BodyCase body);
const Family* named(std::string_view name);

} // namespace families
} // namespace trailmark::chains
