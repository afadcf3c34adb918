#pragma once

#include <QString>

#include <gio/gio.h>
#include <optional>

// Accessibility for the desktop session, org.a11y.Status.IsEnabled on the accessibility
// bus: apps read it when they start and expose their widgets only if it is on.
namespace trailmark::capture::atspi {

bool setAccessibilityEnabled(GDBusConnection* bus, bool enabled);
// Whether it is on; nullopt and why when the accessibility bus does not answer.
std::optional<bool> accessibilityEnabled(GDBusConnection* bus, QString* why);

} // namespace trailmark::capture::atspi
