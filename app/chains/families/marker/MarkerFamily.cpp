#include "chains/families/marker/MarkerFamily.h"

#include "chains/families/EventFamily.h"

namespace trailmark::chains {
namespace {

class MarkerFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "marker"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kMarker}; }
    QString describeEvent(const v1::Event& event) const override
    {
        const auto& marker = event.marker();
        switch (marker.kind()) {
        case v1::Marker::KIND_PAUSE:
            return QStringLiteral("— paused —");
        case v1::Marker::KIND_RESUME:
            return QStringLiteral("— resumed —");
        case v1::Marker::KIND_GAP:
            return QStringLiteral("— gap: %1 —").arg(QString::fromStdString(marker.label()));
        default:
            return QString::fromStdString(marker.label());
        }
    }
    // Markers open no steps: a pause is not something the expert did.
    std::unique_ptr<StepDeriver> makeDeriver() const override { return nullptr; }
};

} // namespace

const EventFamily& markerFamily()
{
    static const MarkerFamily family;
    return family;
}

} // namespace trailmark::chains
