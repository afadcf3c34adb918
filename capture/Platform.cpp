#include "capture/Platform.h"

namespace trailmark::capture {

QString currentPlatform()
{
#if defined(Q_OS_WIN)
    return QStringLiteral("windows");
#elif defined(Q_OS_MACOS)
    return QStringLiteral("macos");
#else
    // A Wayland session usually also has DISPLAY (XWayland), but X11 there only sees
    // XWayland windows: what is active is the compositor's business.
    if (!qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") ||
        qEnvironmentVariable("XDG_SESSION_TYPE") == QLatin1String("wayland"))
        return QStringLiteral("linux-wayland");
    return QStringLiteral("linux-x11");
#endif
}

namespace platform {

bool isX11Session()
{
    return currentPlatform() == QLatin1String("linux-x11");
}

bool isNotWindows()
{
    return currentPlatform() != QLatin1String("windows");
}

bool isNotMacos()
{
    return currentPlatform() != QLatin1String("macos");
}

bool isNotWayland()
{
    return currentPlatform() != QLatin1String("linux-wayland");
}

bool hasX11Build()
{
#ifdef TRAILMARK_WITH_X11
    return true;
#else
    return false;
#endif
}

} // namespace platform
} // namespace trailmark::capture
