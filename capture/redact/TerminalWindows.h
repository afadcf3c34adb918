#pragma once

#include <QString>

namespace trailmark::capture {

struct WindowDescription;
class WindowExclusionFilter;

// Whether a window's WM_CLASS names a terminal emulator. What a terminal shows is the
// shell's: its commands and output are recorded as text by the shell hooks, with
// secrets redacted, so pictures never show a terminal (a token typed at a prompt is
// on screen, and a picture cannot be redacted). Accessible terminals also say so with
// the AT-SPI "terminal" role; this list covers those that expose no accessibility.
bool isTerminalWindowClass(const QString& appClass);

// Whether a window must never show in a picture: a terminal, or a window the user
// excluded (exclusions may be null). Screenshots and keyframes black these out.
bool isKeptOutOfPictures(const WindowDescription& window, const WindowExclusionFilter* exclusions);

} // namespace trailmark::capture
