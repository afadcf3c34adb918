#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Window switches and titles: an AppSwitch opens a step, the TitleChanges that follow while
// that app stays active add to its titles (AppStep). Tool `switch_app`.
const Family& windowFamily();

// Its facets, one file each.
const DerivingFacet& windowDeriving();
const PresentingFacet& windowPresenting();
const ExportingFacet& windowExporting();

} // namespace trailmark::chains
