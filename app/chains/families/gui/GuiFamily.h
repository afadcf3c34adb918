#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Actions inside GUI apps: each GuiAction event is a step of tool `computer`. Its call
// is Anthropic's computer-use action (left_click with a coordinate, type with text, key
// with xdotool key names); its columns give the same action in the other action spaces
// the computer-use export writes (GuiDialects.h).
const Family& guiFamily();

// Its facets, one file each.
const DerivingFacet& guiDeriving();
const PresentingFacet& guiPresenting();
const ExportingFacet& guiExporting();

} // namespace trailmark::chains
