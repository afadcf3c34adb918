#include "chains/StepMaterializer.h"

#include "chains/TrajectoryBuilder.h"
#include "store/Store.h"

#include <algorithm>
#include <unordered_map>

namespace trailmark::chains {

std::optional<std::vector<Step>> materializeSteps(store::Store& store, const TrajectoryOutline& outline, int first,
                                                  int count, QString* error)
{
    const int stepTotal = static_cast<int>(outline.steps.size());
    if (first < 0 || count < 0 || first + count > stepTotal) {
        *error = QStringLiteral("steps %1 to %2 are not in this session of %3 steps")
                     .arg(first)
                     .arg(first + count - 1)
                     .arg(stepTotal);
        return std::nullopt;
    }
    const QString sessionId = QString::fromStdString(outline.session.id());
    const auto offsetOf = [&outline](int index) {
        return outline.eventOffsets[static_cast<size_t>(index)];
    };
    // The steps' events in seq order, as the whole derivation saw them.
    std::vector<qint64> seqs(outline.eventSeqs.begin() + offsetOf(first),
                             outline.eventSeqs.begin() + offsetOf(first + count));
    std::sort(seqs.begin(), seqs.end());
    std::vector<store::StoredEvent> events;
    events.reserve(seqs.size());
    if (!store.readEventsAt(
            sessionId, seqs,
            [&events](const store::StoredEvent& event) {
                events.push_back(event);
                return true;
            },
            error))
        return std::nullopt;

    // The annotations on these events: the steps are derived with them.
    std::unordered_map<std::string, QList<v1::Annotation>> annotationsByTarget;
    for (const auto& annotation : outline.annotations) {
        if (annotation.target_id() != annotation.session_id())
            annotationsByTarget[annotation.target_id()].append(annotation);
    }
    QList<v1::Annotation> annotations;
    for (const store::StoredEvent& event : events) {
        const auto found = annotationsByTarget.find(event.event.id());
        if (found != annotationsByTarget.end())
            annotations.append(found->second);
    }

    // Deriving consecutive steps from their events alone gives each what the whole
    // derivation gives it: any step opened between two of them is one of them, so each
    // event finds the step it found then (the last step for a screenshot, the open
    // command for a finish, the last GUI action for a dialog). What comes from steps
    // outside (links, a note before the first, where an app step ended) is the outline's.
    TrajectoryBuilder builder(outline.session, annotations);
    for (const store::StoredEvent& event : events)
        builder.add(event);
    Trajectory derived = builder.finish();
    std::unordered_map<qint64, Step*> derivedBySeq;
    for (Step& step : derived.steps)
        derivedBySeq.emplace(step.firstSeq, &step);

    std::vector<Step> steps;
    steps.reserve(static_cast<size_t>(count));
    for (int index = first; index < first + count; ++index) {
        const StepOutline& known = outline.steps[static_cast<size_t>(index)];
        const auto found = derivedBySeq.find(known.firstSeq);
        if (found == derivedBySeq.end()) {
            *error = QStringLiteral("step #%1 of session %2 is not derived again from its events (seq %3): "
                                    "its events changed since the session was opened")
                         .arg(index)
                         .arg(sessionId)
                         .arg(known.firstSeq);
            return std::nullopt;
        }
        Step& step = *found->second;
        step.index = index;
        step.startNs = known.startNs;
        step.endNs = known.endNs;
        step.durationNs = known.durationNs;
        step.attempt = known.attempt;
        step.retryOf = known.retryOf;
        step.retriedBy = known.retriedBy;
        step.recovers = known.recovers;
        step.fixSteps = outline.fixStepsOf(index);
        if (const auto thought = outline.noteThoughts.constFind(index); thought != outline.noteThoughts.cend()) {
            step.thought = *thought;
            step.thoughtSource = QLatin1String(kThoughtFromNote);
        }
        steps.push_back(std::move(step));
    }
    return steps;
}

} // namespace trailmark::chains
