#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Markers (pause, resume, task boundary, gap): points in the session that are no actions.
const Family& markerFamily();

// Its facets, one file each.
const DerivingFacet& markerDeriving();
const PresentingFacet& markerPresenting();

} // namespace trailmark::chains
