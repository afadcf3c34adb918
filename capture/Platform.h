#pragma once

#include <QString>

namespace trailmark::capture {

// Which platform we run on, and the checks sources name as their needs
// (SourceNeed::met); each source's folder picks its implementation by them.

// The platform we record on, as stored in Session.platform: "linux-x11",
// "linux-wayland", "windows", "macos", "unknown".
QString currentPlatform();

namespace platform {
bool isX11Session(); // linux-x11 (X11 on Linux and the BSDs)
bool isNotWindows();
bool isNotMacos();
bool isNotWayland();
// This build has xcb (TRAILMARK_WITH_X11).
bool hasX11Build();
} // namespace platform

} // namespace trailmark::capture
