#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// File edits: a FileEdit saved in an editor is a step of its own (tool `edit`, the diff
// as its observation, EditStep); one with command_effects is what a command wrote as it
// ran and becomes that shell step's effects. In chat exports an edit is the calls of a
// str_replace editor, or one apply_patch call, as ToolStyle says.
const Family& editFamily();

// Its facets, one file each.
const DerivingFacet& editDeriving();
const PresentingFacet& editPresenting();
const ExportingFacet& editExporting();

} // namespace trailmark::chains
