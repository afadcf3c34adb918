#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/screenshot/ScreenshotFamily.h"

namespace trailmark::chains {
namespace {

class ScreenshotDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        const QString hash = QString::fromLatin1(QByteArray::fromStdString(event.screenshot().sha256()).toHex());
        if (const int last = context.lastStepIndex(); last >= 0)
            context.attachTo(last, event, [&hash](Step& step) { step.screenshots.append(hash); });
        else
            context.addPendingScreenshot(event, hash);
    }
};

class ScreenshotDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "screenshot"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kScreenshot}; }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<ScreenshotDeriver>(); }
};

} // namespace

const DerivingFacet& screenshotDeriving()
{
    static const ScreenshotDeriving facet;
    return facet;
}

} // namespace trailmark::chains
