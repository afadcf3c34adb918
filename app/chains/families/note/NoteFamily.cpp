#include "chains/families/note/NoteFamily.h"

#include "chains/export/JsonWriter.h"
#include "chains/families/DerivationContext.h"
#include "chains/families/EventFamily.h"
#include "chains/families/note/NoteStep.h"
#include "store/Vocabulary.h"

#include <QJsonObject>

namespace trailmark::chains {
namespace {

const NoteStep& noteOf(const Step& step)
{
    return *step.as<NoteStep>();
}

class NoteDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        Step& step = context.openStep(noteFamily(), event);
        auto note = std::make_unique<NoteStep>();
        note->text = QString::fromStdString(event.note().text());
        note->kind = store::vocabulary::noteKindName(event.note().kind());
        if (!note->text.isEmpty())
            context.setPendingThought(note->text);
        step.detail = std::move(note);
        context.release(step.index);
    }
};

class NoteFamily final : public EventFamily
{
public:
    std::string_view name() const override { return "note"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kNote}; }

    QString describeEvent(const v1::Event& event) const override
    {
        return QStringLiteral("note: %1").arg(QString::fromStdString(event.note().text()));
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<NoteDeriver>(); }
    bool opensStep(v1::Event::BodyCase) const override { return true; }

    bool isAction() const override { return false; }
    QString actionText(const Step& step) const override { return noteOf(step).text; }
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
    std::string_view countLabel() const override { return "notes"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        json.textOrNull("note_kind", step ? noteOf(*step).kind : QString());
    }
    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        object.insert(QStringLiteral("note_kind"),
                      step && !noteOf(*step).kind.isEmpty() ? QJsonValue(noteOf(*step).kind) : QJsonValue());
    }
};

} // namespace

const EventFamily& noteFamily()
{
    static const NoteFamily family;
    return family;
}

} // namespace trailmark::chains
