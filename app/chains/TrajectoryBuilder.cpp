#include "chains/TrajectoryBuilder.h"

#include "chains/Review.h"
#include "chains/StepOutline.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/FamilyRegistry.h"
#include "store/EventFields.h"
#include "store/Store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

namespace trailmark::chains {

TrajectoryBuilder::TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations, Options options,
                                     Keep keep)
    : m_context(m_trajectory.steps, options.retry, keep)
{
    const QString sessionId = QString::fromStdString(session.id());
    m_trajectory.session = std::move(session);
    for (const auto& annotation : annotations) {
        const QString target = QString::fromStdString(annotation.target_id());
        if (target == sessionId)
            m_trajectory.sessionAnnotations.append(annotation);
        else
            m_annotationsByEvent[target].append(annotation);
    }
    std::unordered_set<std::string> targets;
    for (auto it = m_annotationsByEvent.cbegin(); it != m_annotationsByEvent.cend(); ++it)
        targets.insert(it.key().toStdString());
    m_context.trackEventSteps(std::move(targets));
    if (keep == Keep::Outline)
        m_annotations = annotations;
    for (const Family* family : families::all()) {
        const DerivingFacet& deriving = families::deriving(*family);
        std::unique_ptr<StepDeriver> deriver = deriving.makeDeriver();
        if (!deriver)
            continue;
        for (const v1::Event::BodyCase body : deriving.bodies())
            m_bodyDerivers[body] = deriver.get();
        m_ownedDerivers.push_back(std::move(deriver));
    }
}

TrajectoryBuilder::~TrajectoryBuilder() = default;

bool TrajectoryBuilder::needsRedaction(const v1::Event& event) const
{
    if (!m_annotationsByEvent.isEmpty() && m_annotationsByEvent.contains(QString::fromStdString(event.id())))
        return true;
    if (m_laterSpansByStepKey.isEmpty())
        return false;
    const Family* family = families::ofBody(event.body_case());
    const std::string_view key = family ? families::deriving(*family).stepKey(event) : std::string_view();
    return !key.empty() && m_laterSpansByStepKey.contains(QString::fromUtf8(key.data(), qsizetype(key.size())));
}

void TrajectoryBuilder::applyRedactions(v1::Event& event)
{
    const Family* family = families::ofBody(event.body_case());
    const std::string_view keyView = family ? families::deriving(*family).stepKey(event) : std::string_view();
    const QString key = QString::fromUtf8(keyView.data(), static_cast<qsizetype>(keyView.size()));
    const auto apply = [&event](const v1::RedactionSpan& span) {
        QString error;
        if (!store::eventfields::applyReviewerSpan(event, span, &error))
            spdlog::warn("reviewer redaction not applied: {}", error.toStdString());
    };
    const auto found = m_annotationsByEvent.constFind(QString::fromStdString(event.id()));
    if (found != m_annotationsByEvent.cend()) {
        for (const auto& annotation : *found) {
            for (const auto& span : annotation.redactions()) {
                if (span.applied())
                    continue; // already rewritten in the stored event
                // A step is annotated on its opening event; a span on a field that only
                // a later event of the step has (a command's output) waits for it.
                if (!store::eventfields::findTextField(event, span.field()) && !key.isEmpty())
                    m_laterSpansByStepKey[key].append(span);
                else
                    apply(span);
            }
        }
    }
    const auto later = key.isEmpty() ? m_laterSpansByStepKey.cend() : m_laterSpansByStepKey.constFind(key);
    if (later != m_laterSpansByStepKey.cend()) {
        for (const auto& span : *later) {
            if (store::eventfields::findTextField(event, span.field()))
                apply(span);
        }
    }
}

const v1::Event& TrajectoryBuilder::add(const store::StoredEvent& stored)
{
    if (!stored.isReadable()) {
        m_trajectory.unreadable.push_back({stored.event.seq(), stored.event.time_ns(),
                                           QString::fromStdString(stored.event.id()), stored.decodeError});
        return stored.event;
    }
    const v1::Event* event = &stored.event;
    // Copy only events that get redacted: the common case streams without copying.
    if (needsRedaction(stored.event)) {
        m_redacted = stored.event;
        applyRedactions(m_redacted);
        event = &m_redacted;
    }
    m_context.sawEventAt(event->time_ns());
    const auto deriver = m_bodyDerivers.find(event->body_case());
    if (deriver != m_bodyDerivers.end())
        deriver->second->add(*event, m_context);
    return *event;
}

QHash<int, QList<v1::Annotation>> TrajectoryBuilder::annotationsByStep() const
{
    QHash<int, QList<v1::Annotation>> byStep;
    const QHash<QString, int>& stepOfEvent = m_context.stepOfEvent();
    for (auto it = m_annotationsByEvent.cbegin(); it != m_annotationsByEvent.cend(); ++it) {
        const auto step = stepOfEvent.constFind(it.key());
        if (step != stepOfEvent.cend())
            byStep[*step].append(*it);
    }
    for (auto& annotations : byStep) {
        // Several annotation lists may have been merged: keep time order, then id.
        std::sort(annotations.begin(), annotations.end(), [](const auto& a, const auto& b) {
            return a.time_ns() != b.time_ns() ? a.time_ns() < b.time_ns() : a.id() < b.id();
        });
    }
    return byStep;
}

Trajectory TrajectoryBuilder::finish()
{
    Q_ASSERT(m_context.keep() == Keep::Whole);
    for (const auto& deriver : m_ownedDerivers)
        deriver->close(m_context);
    auto& steps = m_trajectory.steps;
    const QHash<int, QList<v1::Annotation>> byStep = annotationsByStep();
    for (auto it = byStep.cbegin(); it != byStep.cend(); ++it) {
        Step& step = steps[static_cast<size_t>(it.key())];
        step.annotations = *it;
        // In time order: the latest correction wins, in every view and export alike.
        for (const auto& annotation : step.annotations)
            review::applyOutcomeCorrection(step, annotation);
    }
    // After the corrections: a step a reviewer calls an error is retried like one.
    m_context.outlineAll();
    for (const auto& deriver : m_ownedDerivers)
        deriver->finish(m_context);
    for (Step& step : steps) {
        const StepOutline& outline = m_context.outline(step.index);
        step.attempt = outline.attempt;
        step.retryOf = outline.retryOf;
        step.retriedBy = outline.retriedBy;
        step.recovers = outline.recovers;
    }
    // A recovery's fix: what changed files between the first failure and the success.
    std::vector<StepOutline>& outlines = m_context.outlines();
    for (Step& step : steps) {
        if (step.recovers >= 0)
            step.fixSteps = fixStepsOf(outlines, step.index);
    }
    int lastAction = -1;
    for (Step& step : steps) {
        if (!step.isAction())
            continue;
        lastAction = step.index;
        if (step.thought.isEmpty()) {
            for (auto annotation = step.annotations.crbegin(); annotation != step.annotations.crend(); ++annotation) {
                if (!annotation->rationale().empty()) {
                    step.thought = QString::fromStdString(annotation->rationale());
                    step.thoughtSource = QLatin1String(kThoughtFromReviewer);
                    break;
                }
            }
        }
    }
    // What follows the last action and is no action itself is the expert's conclusion.
    for (size_t i = static_cast<size_t>(lastAction + 1); i < steps.size(); ++i) {
        const QString text = steps[i].actionText();
        if (!text.isEmpty())
            m_trajectory.closingNotes.append(text);
    }
    return std::move(m_trajectory);
}

TrajectoryOutline TrajectoryBuilder::finishOutline()
{
    Q_ASSERT(m_context.keep() == Keep::Outline);
    for (const auto& deriver : m_ownedDerivers)
        deriver->close(m_context);
    TrajectoryOutline result;
    // Notes after the last action are still whole: the expert's conclusion.
    const std::vector<StepOutline>& outlines = m_context.outlines();
    int lastAction = -1;
    for (const StepOutline& outline : outlines)
        lastAction = outline.isAction ? outline.index : lastAction;
    for (int i = lastAction + 1; i < static_cast<int>(outlines.size()); ++i) {
        const QString text = m_context.step(i).actionText();
        if (!text.isEmpty())
            result.closingNotes.append(text);
    }
    m_context.outlineAll();
    const QHash<int, QList<v1::Annotation>> byStep = annotationsByStep();
    for (auto it = byStep.cbegin(); it != byStep.cend(); ++it) {
        StepOutline& outline = m_context.outline(it.key());
        for (const auto& annotation : *it) {
            review::applyOutcomeCorrection(outline, annotation);
            if (outline.isAction && !annotation.rationale().empty())
                outline.hasThought = true;
            outline.rated = outline.rated || annotation.has_rating();
        }
    }
    for (const auto& deriver : m_ownedDerivers)
        deriver->finish(m_context);
    m_context.moveOutlineInto(result);
    result.session = std::move(m_trajectory.session);
    result.unreadable = std::move(m_trajectory.unreadable);
    result.annotations = std::move(m_annotations);
    return result;
}

std::optional<Trajectory> TrajectoryBuilder::load(store::Store& store, const QString& sessionId, const Options& options,
                                                  const std::function<bool(const v1::Event&, QString*)>& onEvent,
                                                  QString* error, Keep keep)
{
    auto session = store.session(sessionId, error);
    if (!session)
        return std::nullopt;
    const auto annotations = store.annotations(sessionId, error);
    if (!annotations)
        return std::nullopt;
    TrajectoryBuilder builder(std::move(*session), *annotations, options, keep);
    // At most one step per event. Reserving up front saves moving every step on each
    // growth; pages never written are never touched, so this costs no resident memory.
    const auto events = store.eventCount(sessionId, error);
    if (!events)
        return std::nullopt;
    if (keep == Keep::Whole)
        builder.m_trajectory.steps.reserve(static_cast<size_t>(*events));
    QString visitError;
    const bool read = store.readEvents(
        sessionId, 0, -1,
        [&](const store::StoredEvent& stored) {
            const v1::Event& event = builder.add(stored);
            // An undecodable payload has no body to pass on; the trajectory lists it.
            return !onEvent || !stored.isReadable() || onEvent(event, &visitError);
        },
        error);
    if (!read)
        return std::nullopt;
    if (!visitError.isEmpty()) {
        *error = visitError;
        return std::nullopt;
    }
    if (keep == Keep::Whole)
        return builder.finish();
    auto outline = std::make_shared<TrajectoryOutline>(builder.finishOutline());
    Trajectory trajectory;
    trajectory.session = outline->session;
    trajectory.unreadable = std::move(outline->unreadable);
    trajectory.closingNotes = outline->closingNotes;
    for (const auto& annotation : outline->annotations) {
        if (annotation.target_id() == annotation.session_id())
            trajectory.sessionAnnotations.append(annotation);
    }
    trajectory.outline = std::move(outline);
    trajectory.pagesFrom = &store;
    return trajectory;
}

} // namespace trailmark::chains
