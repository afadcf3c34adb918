#pragma once

namespace trailmark::chains {

class EventFamily;

// File edits: a FileEdit saved in an editor is a step of its own (tool `edit`, the diff
// as its observation, EditStep); one with command_effects is what a command wrote as it
// ran and becomes that shell step's effects. In chat exports an edit is the calls of a
// str_replace editor, or one apply_patch call, as ToolStyle says.
const EventFamily& editFamily();

} // namespace trailmark::chains
