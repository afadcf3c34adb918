#include "chains/families/DerivingFacet.h"
#include "chains/families/marker/MarkerFamily.h"

namespace trailmark::chains {
namespace {

class MarkerDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "marker"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kMarker}; }
    // Markers open no steps: a pause is not something the expert did.
    std::unique_ptr<StepDeriver> makeDeriver() const override { return nullptr; }
};

} // namespace

const DerivingFacet& markerDeriving()
{
    static const MarkerDeriving facet;
    return facet;
}

} // namespace trailmark::chains
