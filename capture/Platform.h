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

// Screenshots for the platform we run on; nullptr and why where we cannot take them.
std::unique_ptr<ScreenGrabber> createScreenGrabber(QString* error);

} // namespace trailmark::capture
