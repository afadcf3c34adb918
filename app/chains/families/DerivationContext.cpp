#include "chains/families/DerivationContext.h"

#include "chains/families/EventFamily.h"

namespace trailmark::chains {

Step& DerivationContext::openStep(const EventFamily& family, const v1::Event& event)
{
    // Built in place: a session can hold hundreds of thousands of steps.
    Step& step = m_steps.emplace_back();
    step.index = static_cast<int>(m_steps.size()) - 1;
    step.family = &family;
    step.startNs = event.time_ns();
    step.endNs = event.time_ns();
    step.firstSeq = event.seq();
    step.eventIds.push_back(event.id());
    step.screenshots = std::exchange(m_pendingScreenshots, {});
    if (family.isAction()) {
        step.thought = std::exchange(m_pendingThought, {});
        if (!step.thought.isEmpty())
            step.thoughtSource = QStringLiteral("note");
    }
    m_lastStep = step.index;
    remember(event, step.index);
    return step;
}

void DerivationContext::attach(Step& step, const v1::Event& event)
{
    step.eventIds.push_back(event.id());
    remember(event, step.index);
}

void DerivationContext::detachOpening(Step& step)
{
    if (!step.eventIds.empty())
        m_stepOfEvent.remove(QString::fromStdString(step.eventIds.front()));
    step.eventIds.clear();
}

void DerivationContext::remember(const v1::Event& event, int stepIndex)
{
    if (m_trackEventSteps)
        m_stepOfEvent.insert(QString::fromStdString(event.id()), stepIndex);
}

} // namespace trailmark::chains
