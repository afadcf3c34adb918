#include "chains/families/PresentingFacet.h"
#include "chains/families/screenshot/ScreenshotFamily.h"

namespace trailmark::chains {
namespace {

class ScreenshotPresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        return QStringLiteral("screenshot %1×%2").arg(event.screenshot().width()).arg(event.screenshot().height());
    }
};

} // namespace

const PresentingFacet& screenshotPresenting()
{
    static const ScreenshotPresenting facet;
    return facet;
}

} // namespace trailmark::chains
