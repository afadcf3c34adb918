#pragma once

#include "chains/Step.h"
#include "chains/families/Family.h"
#include "trailmark/v1/event.pb.h"

#include <QPoint>
#include <QRect>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

class QJsonObject;

namespace trailmark::chains {

// A text of a step that a reviewer may redact: which of the step's events holds it
// (index into Step::eventIds), the event body's field name, and a label for people.
struct RedactableText
{
    size_t eventIndex = 0;
    QString field;
    QString label;
    std::string bytes;
};

// A lane of the review timeline: steps with the same key share a row.
struct TimelineLane
{
    QString key;
    QString label;
};

// Where a step acted on its screenshot, for the review view to draw over the picture
// (never into it): the point, where a drag ended, the UI element's box, in the
// screenshot's pixels.
struct ScreenMarks
{
    QString screenshot; // SHA-256 (hex) of the picture the marks belong on
    QPoint point;
    std::optional<QPoint> end;
    QRect elementBox; // empty when no element is known
    QString label;    // "push button 'Save'"
};

// What a family is to the code that shows events and steps to people: the live feed
// (the Record tab), `show` and `show --json` (TrajectoryJson), the Review tab (step
// list, details, timeline, redaction). DerivationContext asks for lanes too, so that an
// outlined trajectory's timeline draws without deriving its steps again.
class PresentingFacet
{
public:
    virtual ~PresentingFacet() = default;

    // ---- events
    // One line for an event of the family, as the live feed and `show` print it.
    virtual QString describeEvent(const v1::Event& event) const = 0;

    // ---- steps
    // The Tool column: the family name, or something more precise ("zsh").
    virtual QString toolLabel(const Step& step) const;
    // The Outcome column: the outcome's name, or what says more ("exit 2", "goal").
    virtual QString outcomeLabel(const Step& step) const;
    virtual TimelineLane lane(const Step& step) const;
    // Timeline colour (0xRRGGBB) of a step with this outcome that is not an error (an
    // outline knows the outcome: the timeline draws without deriving steps).
    virtual quint32 color(StepOutcome) const { return 0x808080; }
    // How `show` frames the action text, with %1 for it: "$ %1", "“%1”".
    virtual QString showActionPattern() const { return QStringLiteral("%1"); }
    // What `show` adds after the action on the same line ("ok", "ERROR (exit 2)").
    virtual QString showOutcome(const Step&) const { return {}; }
    // Lines `show` prints under the step ("titles: …", "output: …"), without indent.
    virtual QStringList showDetails(const Step&) const { return {}; }
    // Facts the step details view lists ("bash in /src", "exit 2").
    virtual QStringList detailFacts(const Step&) const { return {}; }
    // Whether the details view shows the observation as a diff (edits).
    virtual bool observationIsDiff() const { return false; }
    virtual std::vector<RedactableText> redactableTexts(const Step&) const { return {}; }
    // Where the step acted on the screen (GUI actions); nullopt for steps with no point.
    virtual std::optional<ScreenMarks> screenMarks(const Step&) const { return std::nullopt; }
    // For a step of another family whose effects this family describes (Step::effects):
    // the lines `show` and the details view add, and the texts a reviewer may redact.
    virtual QStringList effectLines(const Step&) const { return {}; }
    virtual std::vector<RedactableText> effectTexts(const Step&) const { return {}; }
    // The family's own fields of a step in `show --json`, every one of them: its values
    // for its own steps (or effects), null for a step of another family (step == nullptr).
    virtual void addJsonFields(QJsonObject&, const Step*) const {}
};

namespace families {

inline const PresentingFacet& presenting(const Family& family)
{
    return *family.presenting;
}
// The presenting facet of the family that derived the step.
inline const PresentingFacet& presenting(const Step& step)
{
    return *step.family->presenting;
}

} // namespace families

// One line for the terminal: newlines shown as ⏎ so a multi-line text stays one row, cut
// with "…" past maxLength characters.
QString oneLine(QString text, qsizetype maxLength = 160);

} // namespace trailmark::chains
