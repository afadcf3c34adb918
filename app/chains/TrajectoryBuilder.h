#pragma once

#include "chains/Step.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/RetryOptions.h"
#include "trailmark/v1/event.pb.h"

#include <QHash>

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>

namespace trailmark::store {
class Store;
struct StoredEvent;
} // namespace trailmark::store

namespace trailmark::chains {

class StepDeriver;

// Turns a session's events, fed in seq order, into steps. What an event becomes is up to
// its family (families/): the builder hands each event to its family's deriver and does
// what is common to all of them:
// - Reviewer redactions (Annotation.redactions) are applied to the events before
//   anything else sees them, so steps, `show` and every export carry the redacted text.
// - Annotations attach to the step that covers their target event.
// - An action with no thought from a note gets the rationale of the latest reviewer
//   annotation on it, if any; notes after the last action are the closing notes.
//
// Memory is one session's steps; events are not kept. Built to outline (Keep::Outline,
// finishOutline()), it is one session's outlines: a few dozen bytes per step, whatever
// the steps hold.
class TrajectoryBuilder
{
public:
    struct Options
    {
        RetryOptions retry;
    };
    using Keep = DerivationContext::Keep;

    TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations, Options options,
                      Keep keep = Keep::Whole);
    explicit TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations = {})
        : TrajectoryBuilder(std::move(session), annotations, Options())
    {}
    ~TrajectoryBuilder();
    TrajectoryBuilder(const TrajectoryBuilder&) = delete;
    TrajectoryBuilder& operator=(const TrajectoryBuilder&) = delete;

    // Adds the next event. Returns the event as it should be exported: the same object,
    // or a copy with reviewer redactions applied.
    const v1::Event& add(const store::StoredEvent& stored);
    // Keep::Whole: the trajectory.
    Trajectory finish();
    // Keep::Outline: the outlines, and where each step's events are.
    TrajectoryOutline finishOutline();

    // Reads a whole session from the store. onEvent sees every readable event after
    // redaction, in seq order (the protobuf exporter writes them as they stream by).
    // Keep::Outline gives an outlined trajectory whose steps come again from store
    // (StepCursor), which must outlive it.
    static std::optional<Trajectory> load(store::Store& store, const QString& sessionId, const Options& options,
                                          const std::function<bool(const v1::Event&, QString*)>& onEvent,
                                          QString* error, Keep keep = Keep::Whole);

private:
    // Reviewers' annotations of steps, by the step they target, in time order.
    QHash<int, QList<v1::Annotation>> annotationsByStep() const;
    bool needsRedaction(const v1::Event& event) const;
    void applyRedactions(v1::Event& event);

    Trajectory m_trajectory;
    DerivationContext m_context;
    QHash<QString, QList<v1::Annotation>> m_annotationsByEvent;
    // Reviewer spans on a step's opening event for a field a later event of the same
    // step holds (a command's output), by the family's step key.
    QHash<QString, QList<v1::RedactionSpan>> m_laterSpansByStepKey;
    std::vector<std::unique_ptr<StepDeriver>> m_ownedDerivers; // one per family, registry order
    std::unordered_map<int, StepDeriver*> m_bodyDerivers;      // by body case
    v1::Event m_redacted;
    QList<v1::Annotation> m_annotations;
};

} // namespace trailmark::chains
