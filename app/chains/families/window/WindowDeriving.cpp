#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/window/AppStep.h"
#include "chains/families/window/WindowFamily.h"

#include <algorithm>

namespace trailmark::chains {
namespace {

class WindowDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        if (event.has_app_switch()) {
            closeApp(context, event.time_ns());
            const auto& body = event.app_switch();
            Step& step = context.openStep(windowFamily(), event);
            auto app = std::make_unique<AppStep>();
            app->appClass = utf8Text(body.app_class());
            app->appInstance = utf8Text(body.app_instance());
            app->excluded = body.excluded();
            app->titles.append(body.excluded() ? QString() : utf8Text(body.title()));
            step.detail = std::move(app);
            m_current = step.index;
            return;
        }
        const auto& body = event.title_change();
        if (m_current < 0) {
            // Recording started with a window already active: an app step of unknown app.
            Step& step = context.openStep(windowFamily(), event);
            auto app = std::make_unique<AppStep>();
            app->excluded = body.excluded();
            app->titles.append(app->excluded ? QString() : utf8Text(body.title()));
            step.detail = std::move(app);
            m_current = step.index;
            return;
        }
        Step& step = context.step(m_current);
        if (!body.excluded())
            step.as<AppStep>()->titles.append(utf8Text(body.title()));
        context.attach(step, event);
        step.endNs = event.time_ns();
    }

    void close(DerivationContext& context) override { closeApp(context, context.lastEventNs()); }

private:
    void closeApp(DerivationContext& context, qint64 atNs)
    {
        if (m_current < 0)
            return;
        Step& app = context.step(m_current);
        app.endNs = std::max(app.endNs, atNs);
        app.durationNs = app.endNs - app.startNs;
        context.release(m_current);
        m_current = -1;
    }

    int m_current = -1; // the app step still active
};

class WindowDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "app"; }
    std::vector<v1::Event::BodyCase> bodies() const override
    {
        return {v1::Event::kAppSwitch, v1::Event::kTitleChange};
    }

    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<WindowDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kAppSwitch; }
};

} // namespace

const DerivingFacet& windowDeriving()
{
    static const WindowDeriving facet;
    return facet;
}

} // namespace trailmark::chains
