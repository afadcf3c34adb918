#include "chains/families/PresentingFacet.h"
#include "chains/families/marker/MarkerFamily.h"

namespace trailmark::chains {
namespace {

class MarkerPresenting final : public PresentingFacet
{
public:
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
};

} // namespace

const PresentingFacet& markerPresenting()
{
    static const MarkerPresenting facet;
    return facet;
}

} // namespace trailmark::chains
