#pragma once

#include "capture/CaptureSource.h"
#include "capture/screenshot/ScreenGrabber.h"

#include <memory>

namespace trailmark::capture {

// Which implementation of each platform-dependent part runs here.

// The platform we record on, as stored in Session.platform: "linux-x11",
// "linux-wayland", "windows", "macos", "unknown".
QString currentPlatform();

// The window-activity source for the platform we run on (X11 on Linux and the BSDs;
// an UnsupportedSource that says why elsewhere).
std::unique_ptr<CaptureSource> createWindowSource(QObject* parent = nullptr);

class WindowExclusionFilter;

// Actions inside GUI apps (clicks, typing, keys) for the platform we run on: X11 through
// XInput2 and AT-SPI; an UnsupportedSource that says why elsewhere. keyframes may be
// null (no screenshots); exclusions is not owned and must outlive the source.
std::unique_ptr<CaptureSource> createGuiActionSource(std::unique_ptr<ScreenGrabber> keyframes,
                                                     const WindowExclusionFilter* exclusions,
                                                     QObject* parent = nullptr);

// Screenshots for the platform we run on; nullptr and why where we cannot take them.
std::unique_ptr<ScreenGrabber> createScreenGrabber(QString* error);

} // namespace trailmark::capture
