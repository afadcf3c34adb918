#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Screenshots: no steps of their own; each is attached to the step it was taken in (or the
// first step, when taken before any).
const Family& screenshotFamily();

// Its facets, one file each.
const DerivingFacet& screenshotDeriving();
const PresentingFacet& screenshotPresenting();

} // namespace trailmark::chains
