#pragma once

#include "capture/CaptureSource.h"
#include "capture/screenshot/ScreenGrabber.h"

#include <memory>

namespace trailmark::capture {

struct SourceDeclaration;
class WindowExclusionFilter;

// Actions inside GUI apps: clicks, typing, keys and scrolls, with the UI element each
// hit and a keyframe. Opt-in: it reads every key the expert presses.
const SourceDeclaration& guiActionDeclaration();

// The GUI-action source for the platform we run on: X11 through XInput2 and AT-SPI; an
// UnsupportedSource that says why elsewhere. keyframes may be null (no screenshots);
// exclusions is not owned and must outlive the source.
std::unique_ptr<CaptureSource> createGuiActionSource(std::unique_ptr<ScreenGrabber> keyframes,
                                                     const WindowExclusionFilter* exclusions,
                                                     QObject* parent = nullptr);

} // namespace trailmark::capture
