#include "chains/families/DerivationContext.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/edit/EditFamily.h"
#include "chains/families/edit/EditStep.h"

namespace trailmark::chains {
namespace {

class EditDeriver final : public StepDeriver
{
public:
    void add(const v1::Event& event, DerivationContext& context) override
    {
        const v1::FileEdit& body = event.file_edit();
        if (body.command_effects() && !body.command_id().empty()) {
            if (const int command = context.stepWithKey(body.command_id()); command >= 0) {
                context.attachTo(
                    command, event,
                    [&body](Step& step) {
                        if (!step.effects) {
                            step.effects = std::make_unique<EditStep>();
                            step.effectsFamily = &editFamily();
                        }
                        EditStep& effects = *step.effectsAs<EditStep>();
                        if (effects.workTree.empty()) {
                            effects.firstEventIndex = step.eventIds.size();
                            effects.firstDiffSize = body.diff().size();
                        }
                        merge(effects, body);
                    },
                    true);
                return;
            }
            // Its command was not recorded (recording began while it ran): a step of
            // its own, so the change is not lost.
        }
        Step& step = context.openStep(editFamily(), event);
        auto edit = std::make_unique<EditStep>();
        merge(*edit, body);
        step.detail = std::move(edit);
        step.outcome = StepOutcome::Ok;
        context.release(step.index);
    }
};

class EditDeriving final : public DerivingFacet
{
public:
    std::string_view name() const override { return "edit"; }
    std::vector<v1::Event::BodyCase> bodies() const override { return {v1::Event::kFileEdit}; }

    std::string_view stepKey(const v1::Event& event) const override
    {
        // A command's effects are redacted through the command's step.
        return event.file_edit().command_effects() ? std::string_view(event.file_edit().command_id())
                                                   : std::string_view();
    }
    std::unique_ptr<StepDeriver> makeDeriver() const override { return std::make_unique<EditDeriver>(); }
    // Most edits are saves (a step each); a command's effects, counted here too, are
    // the rarer case the SQL count cannot tell apart.
    bool opensStep(v1::Event::BodyCase) const override { return true; }
    bool changesFiles() const override { return true; }
};

} // namespace

const DerivingFacet& editDeriving()
{
    static const EditDeriving facet;
    return facet;
}

} // namespace trailmark::chains
