#pragma once

#include "chains/Step.h"
#include "chains/families/RetryOptions.h"
#include "trailmark/v1/event.pb.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <string>
#include <unordered_map>
#include <vector>

namespace trailmark::chains {

// What a family's deriver may do to the trajectory being built: open steps, attach
// later events to them, and hand on what the next action inherits (the thought of a
// note, screenshots taken before any step). The builder owns it; derivers only see it
// during TrajectoryBuilder::add() and finish().
class DerivationContext
{
public:
    explicit DerivationContext(std::vector<Step>& steps, RetryOptions retry)
        : m_steps(steps)
        , m_retry(retry)
    {}

    // A new step of the family, opened by event: index, times, the opening event, the
    // screenshots taken before it, and (for actions) the thought of the latest note.
    Step& openStep(const EventFamily& family, const v1::Event& event);
    // The event belongs to step (a command's finish, a title change, a screenshot).
    void attach(Step& step, const v1::Event& event);
    // Forgets that the step's opening event opened it (a step whose opening event was
    // lost: it keeps only what it learnt).
    void detachOpening(Step& step);

    std::vector<Step>& steps() { return m_steps; }
    Step& step(int index) { return m_steps[static_cast<size_t>(index)]; }
    // The most recently opened step of any family; nullptr before the first.
    Step* lastStep() { return m_lastStep < 0 ? nullptr : &step(m_lastStep); }

    // Steps that later events of another family refer to by a key (a command's
    // command_id, which its file edits carry): the step, or nullptr when none has it.
    void setStepKey(const std::string& key, int stepIndex) { m_stepsByKey[key] = stepIndex; }
    Step* stepWithKey(const std::string& key)
    {
        const auto found = m_stepsByKey.find(key);
        return found == m_stepsByKey.end() ? nullptr : &step(found->second);
    }

    // The thought the next action step starts with (a note's text).
    void setPendingThought(const QString& thought) { m_pendingThought = thought; }
    // A screenshot taken before any step: it goes to the first one.
    void addPendingScreenshot(const QString& sha256Hex) { m_pendingScreenshots.append(sha256Hex); }

    // The latest time of any event so far (where an open step ends at finish()).
    qint64 lastEventNs() const { return m_lastEventNs; }
    void sawEventAt(qint64 timeNs) { m_lastEventNs = std::max(m_lastEventNs, timeNs); }
    const RetryOptions& retryOptions() const { return m_retry; }

    // Event id -> step index, kept only when annotations need it (most sessions have
    // none, and exports stream millions of events past here).
    void trackEventSteps(bool track) { m_trackEventSteps = track; }
    const QHash<QString, int>& stepOfEvent() const { return m_stepOfEvent; }

private:
    void remember(const v1::Event& event, int stepIndex);

    std::vector<Step>& m_steps;
    RetryOptions m_retry;
    int m_lastStep = -1;
    QString m_pendingThought;
    QStringList m_pendingScreenshots;
    qint64 m_lastEventNs = 0;
    bool m_trackEventSteps = false;
    QHash<QString, int> m_stepOfEvent;
    std::unordered_map<std::string, int> m_stepsByKey;
};

} // namespace trailmark::chains
