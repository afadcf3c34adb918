#pragma once

#include "trailmark/v1/annotation.pb.h"
#include "trailmark/v1/event.pb.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

// The names that the CLI, the GUI, the store and the exports share, each defined once
// with its text form. Derived names (step outcomes, tool names) live with what derives
// them (chains/Step.h, the event families); these are the ones recorded in events and
// annotations.
namespace trailmark::store::vocabulary {

// Note kinds: "goal", "plan", "think-aloud", "reflection"; empty for KIND_UNSPECIFIED.
QString noteKindName(v1::Note::Kind kind);
// Accepts the names above, "think" (what people type) for think-aloud, and "" for
// unspecified; nullopt for anything else.
std::optional<v1::Note::Kind> parseNoteKind(const QString& name);
// What a user may type, for help and error texts: "goal, plan, think, reflection".
QString noteKindChoices();

// Verdicts: "accepted", "rejected", "needs-work"; empty for VERDICT_UNSPECIFIED.
QString verdictName(v1::Annotation::Verdict verdict);
std::optional<v1::Annotation::Verdict> parseVerdict(const QString& name);
QString verdictChoices();
// The verdict a session has: the latest one any reviewer gave (annotations in time
// order), VERDICT_UNSPECIFIED when none did.
v1::Annotation::Verdict latestVerdict(const QList<v1::Annotation>& annotations);

} // namespace trailmark::store::vocabulary
