#include "capture/Platform.h"

#include "capture/UnsupportedSource.h"

#ifdef TRAILMARK_WITH_X11
#include "capture/gui/X11InputSource.h"
#include "capture/x11/X11ScreenGrabber.h"
#include "capture/x11/X11WindowSource.h"
#endif

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

std::unique_ptr<CaptureSource> createWindowSource(QObject* parent)
{
    const QString platform = currentPlatform();
    if (platform == QLatin1String("windows"))
        return std::make_unique<UnsupportedSource>(
            QStringLiteral("windows-foreground"),
            QStringLiteral("window activity on Windows needs a SetWinEventHook(EVENT_SYSTEM_FOREGROUND) source; "
                           "not supported yet"),
            parent);
    if (platform == QLatin1String("macos"))
        return std::make_unique<UnsupportedSource>(
            QStringLiteral("macos-workspace"),
            QStringLiteral("window activity on macOS needs NSWorkspace activation notifications and an "
                           "accessibility title observer; not supported yet"),
            parent);
    if (platform == QLatin1String("linux-wayland"))
        return std::make_unique<UnsupportedSource>(
            QStringLiteral("wayland-toplevels"),
            QStringLiteral("window activity on Wayland needs a compositor-specific protocol (KWin script, "
                           "wlr-foreign-toplevel); not supported yet"),
            parent);
#ifdef TRAILMARK_WITH_X11
    return std::make_unique<X11WindowSource>(parent);
#else
    return std::make_unique<UnsupportedSource>(
        QStringLiteral("x11-windows"), QStringLiteral("this build has no X11 support (libxcb was not found)"), parent);
#endif
}

std::unique_ptr<CaptureSource> createGuiActionSource(std::unique_ptr<ScreenGrabber> keyframes,
                                                     const WindowExclusionFilter* exclusions, QObject* parent)
{
    const QString platform = currentPlatform();
    if (platform != QLatin1String("linux-x11"))
        return std::make_unique<UnsupportedSource>(
            QStringLiteral("gui-actions"),
            QStringLiteral("actions inside GUI apps on %1 need that platform's input and accessibility APIs "
                           "(UI Automation on Windows, AXObserver on macOS, libei and AT-SPI on Wayland); "
                           "not supported yet")
                .arg(platform),
            parent);
#ifdef TRAILMARK_WITH_X11
    return std::make_unique<X11InputSource>(std::move(keyframes), exclusions, parent);
#else
    Q_UNUSED(keyframes);
    Q_UNUSED(exclusions);
    return std::make_unique<UnsupportedSource>(
        QStringLiteral("gui-actions"), QStringLiteral("this build has no X11 support (libxcb was not found)"), parent);
#endif
}

std::unique_ptr<ScreenGrabber> createScreenGrabber(QString* error)
{
    if (currentPlatform() != QLatin1String("linux-x11")) {
        *error = QStringLiteral("screenshots on %1 are not supported yet").arg(currentPlatform());
        return nullptr;
    }
#ifdef TRAILMARK_WITH_X11
    return X11ScreenGrabber::create(error);
#else
    *error = QStringLiteral("this build has no X11 support (libxcb was not found)");
    return nullptr;
#endif
}

} // namespace trailmark::capture
