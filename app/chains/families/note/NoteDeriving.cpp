#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/note/NoteFamily.h"
#include "chains/families/note/NoteStep.h"
#include "store/Vocabulary.h"

namespace trailmark::chains {
namespace {

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

class NoteDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "note"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kNote}; }

    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<NoteDeriver>(); }
    bool opensStep(v1::Event::BodyCase) const override { return true; }

    bool isAction() const override { return false; }
};

} // namespace

const DerivingFacet& noteDeriving()
{
    static const NoteDeriving facet;
    return facet;
}

} // namespace trailmark::chains
