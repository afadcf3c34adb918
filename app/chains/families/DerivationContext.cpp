#include "chains/families/DerivationContext.h"

#include "chains/families/DerivingFacet.h"
#include "chains/families/PresentingFacet.h"

#include <algorithm>

namespace trailmark::chains {

Step& DerivationContext::openStep(const Family& family, const v1::Event& event)
{
    const bool isAction = families::deriving(family).isAction();
    const int index = stepCount();
    Step* opened = nullptr;
    if (m_keep == Keep::Whole) {
        // Built in place: a session can hold hundreds of thousands of steps.
        opened = &m_steps.emplace_back();
    } else {
        if (isAction) {
            // Notes before an action are no closing notes: they may go now.
            for (const int note : std::exchange(m_heldNotes, {})) {
                const auto held = m_whole.find(note);
                outlineFrom(held->second);
                m_whole.erase(held);
            }
        }
        opened = &m_whole[index];
        StepOutline& outline = m_outlines.emplace_back();
        outline.index = index;
        outline.family = &family;
        outline.isAction = isAction;
        // Screenshots taken before the first step are derived again with it.
        for (const qint64 seq : std::exchange(m_pendingScreenshotSeqs, {})) {
            m_eventSeqs.push_back(seq);
            m_eventSteps.push_back(index);
        }
    }
    Step& step = *opened;
    step.index = index;
    step.family = &family;
    step.startNs = event.time_ns();
    step.endNs = event.time_ns();
    step.firstSeq = event.seq();
    step.eventIds.push_back(event.id());
    step.screenshots = std::exchange(m_pendingScreenshots, {});
    if (isAction) {
        step.thought = std::exchange(m_pendingThought, {});
        if (!step.thought.isEmpty()) {
            step.thoughtSource = QLatin1String(kThoughtFromNote);
            if (m_keep == Keep::Outline)
                m_noteThoughts.insert(index, step.thought);
        }
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
    if (m_keep == Keep::Outline && !m_eventSteps.empty() && m_eventSteps.back() == step.index) {
        m_eventSeqs.pop_back();
        m_eventSteps.pop_back();
    }
}

void DerivationContext::release(int index)
{
    if (m_keep == Keep::Whole)
        return;
    const auto whole = m_whole.find(index);
    if (whole == m_whole.end())
        return;
    if (!whole->second.isAction()) {
        if (std::find(m_heldNotes.begin(), m_heldNotes.end(), index) == m_heldNotes.end())
            m_heldNotes.push_back(index);
        return;
    }
    outlineFrom(whole->second);
    m_whole.erase(whole);
}

Step* DerivationContext::wholeStep(int index)
{
    if (m_keep == Keep::Whole)
        return &m_steps[static_cast<size_t>(index)];
    const auto whole = m_whole.find(index);
    return whole == m_whole.end() ? nullptr : &whole->second;
}

Step& DerivationContext::step(int index)
{
    Step* whole = wholeStep(index);
    Q_ASSERT_X(whole, "DerivationContext::step", "the step was released");
    return *whole;
}

void DerivationContext::attachTo(int index, const v1::Event& event, const std::function<void(Step&)>& change,
                                 bool changesFiles)
{
    if (Step* whole = wholeStep(index)) {
        change(*whole);
        attach(*whole, event);
        return;
    }
    // Released: the event is recorded as the step's, and the step gets it when it is
    // derived again from its events.
    StepOutline& outline = m_outlines[static_cast<size_t>(index)];
    outline.changesFiles = outline.changesFiles || changesFiles;
    remember(event, index);
}

void DerivationContext::settleStepKey(const std::string& key)
{
    // Thousands of commands later, nothing refers to a finished one any more.
    constexpr size_t kSettledKeysKept = 4096;
    const auto settled = m_stepsByKey.find(key);
    if (settled == m_stepsByKey.end())
        return;
    m_settledKeys.emplace_back(key, settled->second);
    if (m_settledKeys.size() <= kSettledKeysKept)
        return;
    const auto& [oldest, step] = m_settledKeys.front();
    // Unless the key names a later step now (ids reused).
    if (const auto found = m_stepsByKey.find(oldest); found != m_stepsByKey.end() && found->second == step)
        m_stepsByKey.erase(found);
    m_settledKeys.pop_front();
}

void DerivationContext::addPendingScreenshot(const v1::Event& event, const QString& sha256Hex)
{
    m_pendingScreenshots.append(sha256Hex);
    if (m_keep == Keep::Outline)
        m_pendingScreenshotSeqs.push_back(event.seq());
}

void DerivationContext::remember(const v1::Event& event, int stepIndex)
{
    if (m_keep == Keep::Outline) {
        m_eventSeqs.push_back(event.seq());
        m_eventSteps.push_back(stepIndex);
    }
    if (!m_trackedEvents.empty() && m_trackedEvents.count(event.id()) > 0)
        m_stepOfEvent.insert(QString::fromStdString(event.id()), stepIndex);
}

void DerivationContext::outlineFrom(const Step& step)
{
    StepOutline& outline = m_outlines[static_cast<size_t>(step.index)];
    // An outlined step may have learnt already that it changes files (attachTo).
    const bool changesFiles = outline.changesFiles;
    outline = outlineOf(step);
    outline.changesFiles = outline.changesFiles || changesFiles;
    if (m_keep == Keep::Outline) {
        // What the timeline draws, decided while the step is whole (the presenting
        // facet's lane): an outlined trajectory's timeline draws without deriving again.
        const TimelineLane lane = families::presenting(step).lane(step);
        auto found = m_laneIndex.constFind(lane.key);
        if (found == m_laneIndex.cend()) {
            found = m_laneIndex.insert(lane.key, static_cast<int>(m_laneKeys.size()));
            m_laneKeys.append(lane.key);
            m_laneLabels.append(lane.label);
        }
        outline.lane = *found;
    }
}

void DerivationContext::outlineAll()
{
    if (m_keep == Keep::Whole) {
        m_outlines.resize(m_steps.size());
        for (const Step& step : m_steps)
            outlineFrom(step);
        return;
    }
    m_heldNotes.clear();
    for (const auto& [index, step] : m_whole)
        outlineFrom(step);
    m_whole.clear();
}

void DerivationContext::moveOutlineInto(TrajectoryOutline& outline)
{
    outline.steps = std::move(m_outlines);
    // Which events are each step's, grouped by step (a counting sort: events came in seq
    // order, so each step's stay in seq order).
    const size_t stepTotal = outline.steps.size();
    outline.eventOffsets.assign(stepTotal + 1, 0);
    for (const int step : m_eventSteps)
        ++outline.eventOffsets[static_cast<size_t>(step) + 1];
    for (size_t i = 0; i < stepTotal; ++i)
        outline.eventOffsets[i + 1] += outline.eventOffsets[i];
    outline.eventSeqs.assign(m_eventSeqs.size(), 0);
    std::vector<quint32> next(outline.eventOffsets.begin(), outline.eventOffsets.end() - 1);
    for (size_t i = 0; i < m_eventSeqs.size(); ++i)
        outline.eventSeqs[next[static_cast<size_t>(m_eventSteps[i])]++] = m_eventSeqs[i];
    std::vector<qint64>().swap(m_eventSeqs);
    std::vector<int>().swap(m_eventSteps);
    outline.noteThoughts = std::move(m_noteThoughts);
    // Lanes in the order steps first use them (they were met in the order steps were
    // released: a server that runs all along is released last).
    std::vector<int> newLane(static_cast<size_t>(m_laneKeys.size()), -1);
    for (StepOutline& step : outline.steps) {
        int& lane = newLane[static_cast<size_t>(step.lane)];
        if (lane < 0) {
            lane = static_cast<int>(outline.laneKeys.size());
            outline.laneKeys.append(m_laneKeys.at(step.lane));
            outline.laneLabels.append(m_laneLabels.at(step.lane));
        }
        step.lane = lane;
    }
}

} // namespace trailmark::chains
