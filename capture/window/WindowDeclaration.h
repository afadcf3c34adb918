#pragma once

#include "capture/CaptureSource.h"

#include <memory>

namespace trailmark::capture {

struct SourceDeclaration;

// Window activity: switches between windows and their titles, and a screenshot of the
// window switched to (the trigger it declares).
const SourceDeclaration& windowDeclaration();

// The window-activity source for the platform we run on (X11 on Linux and the BSDs;
// an UnsupportedSource that says why elsewhere).
std::unique_ptr<CaptureSource> createWindowSource(QObject* parent = nullptr);

} // namespace trailmark::capture
