// Built with QT_NO_KEYWORDS (see capture/CMakeLists.txt): GLib's headers use `signals`
// as a name.
#include "capture/gui/AccessibilityStatus.h"

#include "capture/gui/AtspiTree.h"

#include <spdlog/spdlog.h>

namespace trailmark::capture::atspi {

bool setAccessibilityEnabled(GDBusConnection* bus, bool enabled)
{
    Error error;
    GVariant* reply = g_dbus_connection_call_sync(
        bus, "org.a11y.Bus", "/org/a11y/bus", "org.freedesktop.DBus.Properties", "Set",
        g_variant_new("(ssv)", "org.a11y.Status", "IsEnabled", g_variant_new_boolean(enabled)), nullptr,
        G_DBUS_CALL_FLAGS_NONE, 3000, nullptr, error.out());
    if (!reply) {
        spdlog::warn("accessibility: cannot set org.a11y.Status.IsEnabled: {}", error.message().toStdString());
        return false;
    }
    g_variant_unref(reply);
    return true;
}

std::optional<bool> accessibilityEnabled(GDBusConnection* bus, QString* why)
{
    Error error;
    GVariant* reply =
        g_dbus_connection_call_sync(bus, "org.a11y.Bus", "/org/a11y/bus", "org.freedesktop.DBus.Properties", "Get",
                                    g_variant_new("(ss)", "org.a11y.Status", "IsEnabled"), nullptr,
                                    G_DBUS_CALL_FLAGS_NONE, 3000, nullptr, error.out());
    if (!reply) {
        *why = error.message();
        return std::nullopt;
    }
    GVariant* boxed = nullptr;
    g_variant_get(reply, "(v)", &boxed);
    const bool enabled = boxed && g_variant_get_boolean(boxed);
    if (boxed)
        g_variant_unref(boxed);
    g_variant_unref(reply);
    return enabled;
}

} // namespace trailmark::capture::atspi
