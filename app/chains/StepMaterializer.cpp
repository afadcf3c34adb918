#include "chains/StepMaterializer.h"

#include "chains/TrajectoryBuilder.h"
#include "store/Store.h"

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
    const std::vector<qint64> seqs(outline.eventSeqs.begin() + offsetOf(first),
                                   outline.eventSeqs.begin() + offsetOf(first + count));
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

    // Annotations by the event they target: each step is derived with its own.
    std::unordered_map<std::string, QList<v1::Annotation>> annotationsByTarget;
    for (const auto& annotation : outline.annotations) {
        if (annotation.target_id() != annotation.session_id())
            annotationsByTarget[annotation.target_id()].append(annotation);
    }

    std::vector<Step> steps;
    steps.reserve(static_cast<size_t>(count));
    size_t next = 0;
    for (int index = first; index < first + count; ++index) {
        const StepOutline& known = outline.steps[static_cast<size_t>(index)];
        const size_t eventTotal = offsetOf(index + 1) - offsetOf(index);
        QList<v1::Annotation> annotations;
        for (size_t i = next; i < next + eventTotal; ++i) {
            const auto found = annotationsByTarget.find(events[i].event.id());
            if (found != annotationsByTarget.end())
                annotations.append(found->second);
        }
        TrajectoryBuilder builder(outline.session, annotations);
        for (size_t i = next; i < next + eventTotal; ++i)
            builder.add(events[i]);
        next += eventTotal;
        Trajectory derived = builder.finish();
        auto step = std::find_if(derived.steps.begin(), derived.steps.end(),
                                 [&known](const Step& candidate) { return candidate.firstSeq == known.firstSeq; });
        if (step == derived.steps.end()) {
            *error = QStringLiteral("step #%1 of session %2 is not derived again from its events (seq %3): "
                                    "its events changed since the session was opened")
                         .arg(index)
                         .arg(sessionId)
                         .arg(known.firstSeq);
            return std::nullopt;
        }
        // What depends on the steps around it comes from the outline.
        step->index = index;
        step->startNs = known.startNs;
        step->endNs = known.endNs;
        step->durationNs = known.durationNs;
        step->attempt = known.attempt;
        step->retryOf = known.retryOf;
        step->retriedBy = known.retriedBy;
        step->recovers = known.recovers;
        step->fixSteps = outline.fixStepsOf(index);
        if (const auto thought = outline.noteThoughts.constFind(index); thought != outline.noteThoughts.cend()) {
            step->thought = *thought;
            step->thoughtSource = QStringLiteral("note");
        }
        steps.push_back(std::move(*step));
    }
    return steps;
}

} // namespace trailmark::chains
