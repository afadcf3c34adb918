#pragma once

#include "chains/Step.h"
#include "chains/families/Family.h"
#include "trailmark/v1/event.pb.h"

#include <memory>
#include <string_view>
#include <vector>

namespace trailmark::chains {

class DerivationContext;

// Turns one trajectory's events of a family into steps. One deriver per trajectory being
// built, so it may keep state (open commands, the active app).
class StepDeriver
{
public:
    virtual ~StepDeriver() = default;
    // The next event of one of the family's bodies, in seq order, after redaction.
    virtual void add(const v1::Event& event, DerivationContext& context) = 0;
    // After the last event: close what is still open (its steps are still whole).
    virtual void close(DerivationContext&) {}
    // Then, on the outlines of every step (DerivationContext::outline), after reviewers'
    // outcome corrections: link what needs every step (retries, recoveries).
    virtual void finish(DerivationContext&) {}
};

// What a family is to the code that builds trajectories: TrajectoryBuilder,
// StepMaterializer, StepCount, DerivationContext, and Step's own accessors (tool,
// isAction, changesFiles, hasAttempts) that every user of a step reads.
class DerivingFacet
{
public:
    virtual ~DerivingFacet() = default;

    // The family's name, and the tool of its steps as `show`, the GUI and the native
    // export call it: "shell", "app", "note".
    virtual std::string_view name() const = 0;
    // The Event body cases it owns.
    virtual std::vector<v1::Event::BodyCase> bodies() const = 0;
    // Events of one step that share a key (a command's start and finish share its
    // command_id): a reviewer's span on the step's opening event for a field that only a
    // later event has applies to that later event. Empty when events stand alone.
    virtual std::string_view stepKey(const v1::Event&) const { return {}; }
    // Null for families whose events open no steps (markers).
    virtual std::unique_ptr<StepDeriver> makeDeriver() const = 0;
    // Whether each event of this body opens a step of its own, so that steps can be
    // counted from event kinds in SQL (StepCount.h) without deriving them.
    virtual bool opensStep(v1::Event::BodyCase) const { return false; }
    // Notes are steps, but not actions: they become the thought of the next action.
    virtual bool isAction() const { return true; }
    // Whether its steps are tried again (attempt numbers, retry links are theirs).
    virtual bool hasAttempts() const { return false; }
    // Whether the family's steps change files (edits): a recovery's fix is made of them.
    virtual bool changesFiles() const { return false; }
};

namespace families {

inline const DerivingFacet& deriving(const Family& family)
{
    return *family.deriving;
}

} // namespace families
} // namespace trailmark::chains
