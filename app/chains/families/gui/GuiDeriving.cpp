#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/gui/GuiFamily.h"
#include "chains/families/gui/GuiStep.h"
#include "chains/families/gui/GuiText.h"

#include <QRegularExpression>

#include <cmath>

namespace trailmark::chains {
namespace {

// A dialog that comes this soon after an action is what the action led to.
constexpr qint64 kAlertWindowNs = 5'000'000'000;
// An action repeated on the same element this soon after it failed is a retry of it.
constexpr qint64 kRetryWindowNs = 120'000'000'000;
constexpr size_t kRetryLookback = 8;

// Words of a dialog that reports a failure rather than asks or informs.
bool reportsFailure(const v1::GuiAlert& alert)
{
    static const QRegularExpression failure(
        QStringLiteral("\\b(error|errors|failed|failure|fails|cannot|can't|could not|couldn't|unable|invalid|denied|"
                       "not found|not allowed|refused|forbidden|problem)\\b"),
        QRegularExpression::CaseInsensitiveOption);
    return failure.match(utf8Text(alert.title())).hasMatch() || failure.match(utf8Text(alert.text())).hasMatch();
}

// The same action on the same element: what a person does again after it failed.
bool sameAction(const v1::GuiAction& a, const v1::GuiAction& b)
{
    return a.kind() == b.kind() && a.app_class() == b.app_class() && a.element_path() == b.element_path() &&
           a.keys() == b.keys() && (hasElement(a) || (std::abs(a.x() - b.x()) < 10 && std::abs(a.y() - b.y()) < 10));
}

class GuiDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        if (event.has_gui_alert()) {
            addAlert(event, context);
            return;
        }
        Step& step = context.openStep(guiFamily(), event);
        auto detail = std::make_unique<GuiStep>();
        detail->action = event.gui_action();
        step.durationNs = detail->action.duration_ms() * 1'000'000;
        step.endNs = step.startNs + step.durationNs;
        if (!detail->action.keyframe_sha256().empty())
            step.screenshots.prepend(hex(detail->action.keyframe_sha256()));
        step.detail = std::move(detail);
        linkRetry(step, context);
        m_recent.push_back(step.index);
        if (m_recent.size() > kRetryLookback) {
            context.release(m_recent.front()); // no later action compares with it
            m_recent.erase(m_recent.begin());
        }
        m_last = step.index;
    }

    void finish(DerivationContext& context) override
    {
        // A retry that no dialog answered succeeded: it recovers from the first failure.
        for (const int index : m_recent)
            markRecovery(context, index);
        for (const int index : m_done)
            markRecovery(context, index);
    }

private:
    void addAlert(const v1::Event& event, DerivationContext& context)
    {
        if (m_last < 0)
            return; // a dialog before any action: nothing it answers
        Step& step = context.step(m_last);
        if (event.time_ns() - step.endNs > kAlertWindowNs)
            return;
        auto* gui = step.as<GuiStep>();
        gui->alerts.push_back(event.gui_alert());
        context.attach(step, event);
        if (reportsFailure(event.gui_alert())) {
            step.outcome = StepOutcome::Error;
            step.errorReasons.append(QStringLiteral("dialog: ") + describeAlert(event.gui_alert()));
        }
    }

    void linkRetry(Step& step, DerivationContext& context)
    {
        const v1::GuiAction& action = step.as<GuiStep>()->action;
        for (auto it = m_recent.rbegin(); it != m_recent.rend(); ++it) {
            Step& earlier = context.step(*it);
            if (step.startNs - earlier.endNs > kRetryWindowNs)
                break;
            if (!sameAction(earlier.as<GuiStep>()->action, action))
                continue;
            if (earlier.outcome == StepOutcome::Error && earlier.retriedBy < 0) {
                step.retryOf = earlier.index;
                step.attempt = earlier.attempt + 1;
                earlier.retriedBy = step.index;
                m_done.push_back(step.index);
            }
            return; // only the most recent same action decides
        }
    }

    static void markRecovery(DerivationContext& context, int index)
    {
        StepOutline& step = context.outline(index);
        if (step.retryOf < 0 || step.outcome != StepOutcome::Ok || step.recovers >= 0)
            return;
        int first = step.retryOf;
        while (context.outline(first).retryOf >= 0)
            first = context.outline(first).retryOf;
        step.recovers = first;
    }

    std::vector<int> m_recent; // the last GUI steps, oldest first
    std::vector<int> m_done;   // retries, for their recovery at the end
    int m_last = -1;
};

class GuiDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "computer"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kGuiAction, v1::Event::kGuiAlert}; }

    bool hasAttempts() const override { return true; }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<GuiDeriver>(); }
    bool opensStep(v1::Event::BodyCase body) const override { return body == v1::Event::kGuiAction; }
};

} // namespace

const DerivingFacet& guiDeriving()
{
    static const GuiDeriving facet;
    return facet;
}

} // namespace trailmark::chains
