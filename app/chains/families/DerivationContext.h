#pragma once

#include "chains/Step.h"
#include "chains/StepOutline.h"
#include "chains/families/Family.h"
#include "chains/families/RetryOptions.h"
#include "trailmark/v1/event.pb.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace trailmark::chains {

// What a family's deriver may do to the trajectory being built: open steps, attach
// later events to them, and hand on what the next action inherits (the thought of a
// note, screenshots taken before any step). The builder owns it; derivers only see it
// during TrajectoryBuilder::add() and finish().
//
// Two ways to keep steps:
// - Whole: every step stays a Step (exports, `show`, tests);
// - Outline: a step stays a Step only until its family releases it (a command that
//   finished, an app left, a note), then only its outline and where its events are
//   remain, so a session of any length is outlined in little memory. Derivers write the
//   same code for both: they release what they are done with, and reach a step they
//   may have released through attachTo().
//
// Linking that needs every step (retries, recoveries) runs on outlines in both ways.
class DerivationContext
{
public:
    enum class Keep
    {
        Whole,
        Outline,
    };

    DerivationContext(std::vector<Step>& steps, RetryOptions retry, Keep keep = Keep::Whole)
        : m_steps(steps)
        , m_retry(retry)
        , m_keep(keep)
    {}

    Keep keep() const { return m_keep; }

    // A new step of the family, opened by event: index, times, the opening event, the
    // screenshots taken before it, and (for actions) the thought of the latest note.
    Step& openStep(const Family& family, const v1::Event& event);
    // The event belongs to step (a command's finish, a title change, a screenshot).
    void attach(Step& step, const v1::Event& event);
    // Forgets that the step's opening event opened it (a step whose opening event was
    // lost: it keeps only what it learnt). Only right after openStep().
    void detachOpening(Step& step);
    // The family is done with the step: no event of its own will change it any more.
    // When outlining, the step is cut down to its outline (a note only once the next
    // action opens: notes at the end are the closing notes).
    void release(int index);
    // A later event for a step that may have been released (a screenshot for the last
    // step, a file a finished command wrote): change runs on the step while it is
    // whole; either way the event is the step's. changesFiles marks it as changing files.
    void attachTo(int index, const v1::Event& event, const std::function<void(Step&)>& change,
                  bool changesFiles = false);

    // The step at index, which must still be whole (one its family has not released).
    Step& step(int index);
    int stepCount() const { return static_cast<int>(m_keep == Keep::Whole ? m_steps.size() : m_outlines.size()); }
    // The most recently opened step of any family; -1 before the first.
    int lastStepIndex() const { return m_lastStep; }

    // Steps that later events of another family refer to by a key (a command's
    // command_id, which its file edits carry): the step's index, or -1 when none has it.
    void setStepKey(const std::string& key, int stepIndex) { m_stepsByKey[key] = stepIndex; }
    // The step with the key is over (a command that finished): its key is forgotten once
    // many later steps have settled too. What refers to it comes while it runs or just
    // after (a watcher's last edits); a session of a million commands keeps few keys.
    void settleStepKey(const std::string& key);
    int stepWithKey(const std::string& key) const
    {
        const auto found = m_stepsByKey.find(key);
        return found == m_stepsByKey.end() ? -1 : found->second;
    }

    // The thought the next action step starts with (a note's text).
    void setPendingThought(const QString& thought) { m_pendingThought = thought; }
    // A screenshot taken before any step: it goes to the first one.
    void addPendingScreenshot(const v1::Event& event, const QString& sha256Hex);

    // The latest time of any event so far (where an open step ends at finish()).
    qint64 lastEventNs() const { return m_lastEventNs; }
    void sawEventAt(qint64 timeNs) { m_lastEventNs = std::max(m_lastEventNs, timeNs); }
    const RetryOptions& retryOptions() const { return m_retry; }

    // Which step each of these events went to (the targets of annotations): kept for
    // them only, as exports stream millions of events past here.
    void trackEventSteps(std::unordered_set<std::string> eventIds) { m_trackedEvents = std::move(eventIds); }
    const QHash<QString, int>& stepOfEvent() const { return m_stepOfEvent; }

    // ---- once every event is in
    // Outlines every step: released ones are already; the rest are released now (when
    // outlining) or outlined from their Step (when keeping them whole).
    void outlineAll();
    StepOutline& outline(int index) { return m_outlines[static_cast<size_t>(index)]; }
    std::vector<StepOutline>& outlines() { return m_outlines; }
    // What an outlined trajectory keeps besides its steps' outlines; empties this.
    void moveOutlineInto(TrajectoryOutline& outline);

private:
    void remember(const v1::Event& event, int stepIndex);
    void outlineFrom(const Step& step);
    Step* wholeStep(int index);

    std::vector<Step>& m_steps; // Keep::Whole
    RetryOptions m_retry;
    Keep m_keep;
    int m_lastStep = -1;
    QString m_pendingThought;
    QStringList m_pendingScreenshots;
    std::vector<qint64> m_pendingScreenshotSeqs;
    qint64 m_lastEventNs = 0;
    std::unordered_set<std::string> m_trackedEvents;
    QHash<QString, int> m_stepOfEvent;
    std::unordered_map<std::string, int> m_stepsByKey;
    std::deque<std::pair<std::string, int>> m_settledKeys; // key, step; oldest first
    std::vector<StepOutline> m_outlines;

    // Keep::Outline: the steps still whole, notes waiting for the next action, and
    // which step each event went to (seq, step), in event order.
    std::unordered_map<int, Step> m_whole;
    std::vector<int> m_heldNotes;
    std::vector<qint64> m_eventSeqs;
    std::vector<int> m_eventSteps;
    QHash<int, QString> m_noteThoughts;
    QHash<QString, int> m_laneIndex;
    QStringList m_laneKeys;
    QStringList m_laneLabels;
};

} // namespace trailmark::chains
