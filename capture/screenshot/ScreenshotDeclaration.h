#pragma once

#include "capture/screenshot/ScreenGrabber.h"

#include <memory>

namespace trailmark::capture {

struct SourceDeclaration;

// Screenshots: of the window switched to (when a source's trigger asks) and of the
// screen on a note. Also the session's choice whether pictures are taken at all, which
// GUI actions' keyframes follow.
const SourceDeclaration& screenshotDeclaration();

// Screenshots for the platform we run on; nullptr and why where we cannot take them.
std::unique_ptr<ScreenGrabber> createScreenGrabber(QString* error);

} // namespace trailmark::capture
