#include "chains/families/PresentingFacet.h"
#include "chains/families/note/NoteFamily.h"
#include "chains/families/note/NoteStep.h"

#include <QJsonObject>

namespace trailmark::chains {
namespace {

class NotePresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        return QStringLiteral("note: %1").arg(QString::fromStdString(event.note().text()));
    }
    QString outcomeLabel(const Step& step) const override
    {
        return noteOf(step).kind.isEmpty() ? QStringLiteral("note") : noteOf(step).kind;
    }
    TimelineLane lane(const Step&) const override { return {QStringLiteral("notes"), QStringLiteral("notes")}; }
    quint32 color(StepOutcome) const override { return 0xd99a29; }
    QString showActionPattern() const override { return QStringLiteral("“%1”"); }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        return {{0, QStringLiteral("text"), QStringLiteral("Note"), noteOf(step).text.toStdString()}};
    }
    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        object.insert(QStringLiteral("note_kind"),
                      step && !noteOf(*step).kind.isEmpty() ? QJsonValue(noteOf(*step).kind) : QJsonValue());
    }
};

} // namespace

const PresentingFacet& notePresenting()
{
    static const NotePresenting facet;
    return facet;
}

} // namespace trailmark::chains
