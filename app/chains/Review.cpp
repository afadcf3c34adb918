#include "chains/Review.h"

#include "chains/Step.h"
#include "chains/StepOutline.h"
#include "store/Store.h"
#include "store/Vocabulary.h"

#include <array>

namespace trailmark::chains::review {

bool setCorrectedOutcome(v1::Annotation& annotation, const QString& outcome, QString* error)
{
    if (!correctableOutcomeNames().contains(outcome)) {
        if (error)
            *error = QStringLiteral("an outcome is one of %1, not \"%2\"")
                         .arg(correctableOutcomeNames().join(QStringLiteral(", ")), outcome);
        return false;
    }
    annotation.set_corrected_outcome(outcome.toStdString());
    return true;
}

namespace {

// Step and StepOutline keep the outcome under the same names.
template <typename Record> bool correctOutcome(Record& step, const v1::Annotation& annotation)
{
    const auto corrected = parseOutcome(QString::fromStdString(annotation.corrected_outcome()));
    if (!corrected)
        return false;
    const StepOutcome derived = step.derivedOutcome.value_or(step.outcome);
    step.outcome = *corrected;
    step.derivedOutcome = *corrected != derived ? std::optional<StepOutcome>(derived) : std::nullopt;
    return true;
}

} // namespace

bool applyOutcomeCorrection(Step& step, const v1::Annotation& annotation)
{
    if (!correctOutcome(step, annotation))
        return false;
    step.outcomeCorrectedBy = QString::fromStdString(annotation.reviewer());
    return true;
}

bool applyOutcomeCorrection(StepOutline& step, const v1::Annotation& annotation)
{
    return correctOutcome(step, annotation);
}

bool addAnnotation(store::Store& store, v1::Annotation& annotation, QString* error)
{
    if (!annotation.corrected_outcome().empty()) {
        if (!setCorrectedOutcome(annotation, QString::fromStdString(annotation.corrected_outcome()), error))
            return false;
        if (annotation.target_id() == annotation.session_id()) {
            if (error)
                *error = QStringLiteral("an outcome is corrected on a step, not on the session");
            return false;
        }
    }
    if (!store.addAnnotation(annotation, error))
        return false;
    if (annotation.verdict() == v1::Annotation::VERDICT_UNSPECIFIED ||
        annotation.target_id() != annotation.session_id())
        return true;
    auto session = store.session(QString::fromStdString(annotation.session_id()), error);
    if (!session)
        return false;
    if (session->state() == v1::Session::STATE_RECORDING || session->state() == v1::Session::STATE_PAUSED)
        return true;
    session->set_state(v1::Session::STATE_REVIEWED);
    return store.updateSession(*session, error);
}

bool addRedaction(store::Store& store, const QString& sessionId, const QString& reviewer, const RedactionSpan& span,
                  v1::Annotation* annotation, QString* error)
{
    v1::Annotation record;
    record.set_session_id(sessionId.toStdString());
    record.set_target_id(span.eventId.toStdString());
    record.set_reviewer(reviewer.toStdString());
    auto* redaction = record.add_redactions();
    redaction->set_field(span.field.toStdString());
    redaction->set_offset(span.offset);
    redaction->set_length(span.length);
    redaction->set_reason(span.reason.toStdString());
    if (!store.addRedaction(record, error))
        return false;
    if (annotation)
        *annotation = std::move(record);
    return true;
}

QList<Agreement> agreement(const QMap<QString, QMap<QString, int>>& ratings)
{
    const QStringList reviewers = ratings.keys();
    QList<Agreement> result;
    for (qsizetype i = 0; i < reviewers.size(); ++i) {
        for (qsizetype j = i + 1; j < reviewers.size(); ++j) {
            const auto& first = ratings[reviewers.at(i)];
            const auto& second = ratings[reviewers.at(j)];
            // Counts per category (-1, 0, +1 -> 0, 1, 2) for each reviewer, and agreement.
            std::array<int, 3> firstCounts{};
            std::array<int, 3> secondCounts{};
            int shared = 0;
            int same = 0;
            for (auto it = first.cbegin(); it != first.cend(); ++it) {
                const auto other = second.constFind(it.key());
                if (other == second.cend())
                    continue;
                ++shared;
                same += *it == *other ? 1 : 0;
                ++firstCounts[static_cast<size_t>(std::clamp(*it, -1, 1) + 1)];
                ++secondCounts[static_cast<size_t>(std::clamp(*other, -1, 1) + 1)];
            }
            if (shared == 0)
                continue;
            Agreement pair{reviewers.at(i), reviewers.at(j), shared, 0, std::nullopt};
            const double n = shared;
            pair.observed = same / n;
            double chance = 0;
            for (size_t k = 0; k < 3; ++k)
                chance += (firstCounts[k] / n) * (secondCounts[k] / n);
            if (chance < 1.0)
                pair.kappa = (pair.observed - chance) / (1.0 - chance);
            result.append(pair);
        }
    }
    return result;
}

} // namespace trailmark::chains::review
