#pragma once

#include "chains/Step.h"
#include "chains/families/Utf8Text.h"
#include "chains/families/gui/GuiStep.h"
#include "trailmark/v1/event.pb.h"

#include <QString>

#include <string>

namespace trailmark::chains {

// How a GUI action reads, shared by the family's facets: the live feed, `show` and the
// exports say "click push button 'Save' — Save As" alike.

// The recorded action of a step of the GUI family.
inline const v1::GuiAction& actionOf(const Step& step)
{
    return step.as<GuiStep>()->action;
}

// Whether the action happened at the pointer (clicks, drags, scrolls), not at the focus.
bool isPointerAction(v1::GuiAction::Kind kind);
// Whether the UI element under the action was read.
bool hasElement(const v1::GuiAction& action);
// "push button 'Save'", or the coordinates when no element is known.
QString target(const v1::GuiAction& action);
// The window the action went to: its title, else its app class.
QString appName(const v1::GuiAction& action);
// Why the element is what it is: "found", "no element at the point", ...
QString elementStatusText(v1::GuiAction::ElementStatus status);
QString hex(const std::string& bytes);
// Normalised coordinates as OpenCUA writes them: four decimals.
std::string fraction(double value);
// "alert 'Error': Could not save", one line.
QString describeAlert(const v1::GuiAlert& alert);
// The action as one line: "click push button 'Save' — Save As", "type “hello” into ...".
QString describeAction(const v1::GuiAction& action);

} // namespace trailmark::chains
