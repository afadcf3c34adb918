#pragma once

#include "chains/Step.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace trailmark::chains {

struct Family;

// What a step is at a glance, without what it said or did: when, which family, how it
// ended, how it links to the others. A few dozen bytes where a Step with its detail is
// a kilobyte or more, so a session of a million events is outlined in tens of
// megabytes; the Step itself is derived again from its own events when someone looks
// at it (StepMaterializer).
//
// The linking done once every step is known (retries, recoveries, reviewers' outcome
// corrections) works on outlines, for whole trajectories and outlined ones alike.
struct StepOutline
{
    qint64 startNs = 0;
    qint64 endNs = 0;
    qint64 durationNs = 0;
    qint64 firstSeq = 0;
    const Family* family = nullptr;
    int index = 0;
    int attempt = 1;
    int retryOf = -1;
    int retriedBy = -1;
    int recovers = -1;
    int lane = 0; // TrajectoryOutline::laneKeys
    StepOutcome outcome = StepOutcome::Ok;
    std::optional<StepOutcome> derivedOutcome; // set when a reviewer changed the outcome
    bool changesFiles = false;
    bool isAction = true;
    bool hasThought = false; // from a note, or a reviewer's rationale
    bool rated = false;      // a reviewer rated it
};

// A session's steps as outlines, and where each step's events are, so that any step
// can be derived again (StepMaterializer) exactly as the whole session would derive it.
struct TrajectoryOutline
{
    v1::Session session;
    std::vector<StepOutline> steps;
    // The seqs of step i's events are eventSeqs[eventOffsets[i] .. eventOffsets[i + 1]),
    // in seq order: its own events, and for the first step the screenshots taken before
    // it.
    std::vector<qint64> eventSeqs;
    std::vector<quint32> eventOffsets;
    // The thought a note handed to the next action, by the action's index (notes are
    // few; their text is not derived again from the note).
    QHash<int, QString> noteThoughts;
    // Timeline lanes, in order of first use; StepOutline::lane indexes them.
    QStringList laneKeys;
    QStringList laneLabels;
    std::vector<UnreadableEvent> unreadable;
    // Every annotation of the session (the session's own and the steps').
    QList<v1::Annotation> annotations;
    QStringList closingNotes;

    // The steps between a recovery's first failure and itself that changed files.
    std::vector<int> fixStepsOf(int index) const;
};

// A whole step's outline (without its timeline lane, which the family says).
StepOutline outlineOf(const Step& step);

// The steps between a recovery's first failed attempt and itself that changed files:
// the fix. Empty for a step that recovers nothing.
std::vector<int> fixStepsOf(const std::vector<StepOutline>& steps, int index);

} // namespace trailmark::chains
