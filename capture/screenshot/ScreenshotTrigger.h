#pragma once

#include <QtGlobal>

#include <optional>

namespace trailmark::v1 {
class Event;
} // namespace trailmark::v1

namespace trailmark::capture {

// A window an event calls for a picture of, shortly after it was stored.
struct WindowShot
{
    quint64 window = 0;
    bool excluded = false; // the filters excluded it: no picture, and none until the next one
};

// Declared by a source (SourceDeclaration::screenshotTrigger) and asked by the
// RecordingGate for each stored event, so the gate names no kind of event.
using ScreenshotTrigger = std::optional<WindowShot> (*)(const v1::Event& event);

} // namespace trailmark::capture
