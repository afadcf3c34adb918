#pragma once

#include "chains/Step.h"

#include <QString>

namespace trailmark::chains {

// A note the expert wrote: its text and kind.
struct NoteStep final : StepDetailOf<NoteStep>
{
    QString text;
    QString kind; // the vocabulary's name, or "" when unspecified
};

// The detail of a step of the note family.
inline const NoteStep& noteOf(const Step& step)
{
    return *step.as<NoteStep>();
}

} // namespace trailmark::chains
