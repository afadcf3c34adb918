#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Notes from the expert: a step of their own (not an action) whose text becomes the thought
// of the next action step.
const Family& noteFamily();

// Its facets, one file each.
const DerivingFacet& noteDeriving();
const PresentingFacet& notePresenting();
const ExportingFacet& noteExporting();

} // namespace trailmark::chains
