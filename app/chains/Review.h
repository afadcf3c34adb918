#pragma once

#include "trailmark/v1/annotation.pb.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::chains {

struct Step;
struct StepOutline;

// Writing reviews, shared by the GUI and `trailmark annotate` so both leave the same
// records: a step annotation targets the event that opens the step; a verdict is a
// session annotation and marks a finished session REVIEWED.
namespace review {

// Stores the annotation (target, reviewer, rating, labels, rationale, verdict already
// set by the caller); when it carries a verdict and targets the session, the session
// becomes REVIEWED (unless it is still being recorded).
// A correction of the step's outcome (corrected_outcome) must name one of
// correctableOutcomeNames() and target a step, not the session.
bool addAnnotation(store::Store& store, v1::Annotation& annotation, QString* error);

// Sets the annotation's outcome correction from its text form ("ok", "error",
// "no-result", "stopped", "interrupted"); false with *error for any other text.
bool setCorrectedOutcome(v1::Annotation& annotation, const QString& outcome, QString* error);

// Applies the annotation's outcome correction, if it has one, to the step: the step's
// outcome becomes the corrected one, derivedOutcome keeps what was derived when the two
// differ. Applied in time order, the latest correction wins. Returns whether it applied.
bool applyOutcomeCorrection(Step& step, const v1::Annotation& annotation);
bool applyOutcomeCorrection(StepOutline& step, const v1::Annotation& annotation);

// A reviewer's redaction: bytes [offset, offset + length) of one stored text field of
// an event (a field name of the event's body, as EventFields names them).
struct RedactionSpan
{
    QString eventId;
    QString field;
    quint32 offset = 0;
    quint32 length = 0;
    QString reason;
};

// Rewrites the span in the stored event and records it as the reviewer's annotation
// (Store::addRedaction: the old text leaves the disk). On success *annotation, when
// given, is the stored record.
bool addRedaction(store::Store& store, const QString& sessionId, const QString& reviewer, const RedactionSpan& span,
                  v1::Annotation* annotation, QString* error);

// Agreement between two reviewers on step ratings: Cohen's kappa over the steps both
// rated (each reviewer's latest rating of a step), three categories -1/0/+1.
struct Agreement
{
    QString first;
    QString second;
    int sharedSteps = 0;
    double observed = 0;         // share of shared steps with the same rating
    std::optional<double> kappa; // none when chance agreement is total (1 - pe == 0)
};

// ratings: reviewer -> (step key -> rating). Returns one entry per pair of reviewers
// that rated at least one step in common, ordered by names.
QList<Agreement> agreement(const QMap<QString, QMap<QString, int>>& ratings);

} // namespace review
} // namespace trailmark::chains
