#pragma once

#include <QImage>
#include <QString>

#include <functional>
#include <optional>

namespace trailmark::capture {

// What exclusion rules need to know about a window at the moment it is captured.
struct WindowDescription
{
    QString appClass;
    QString appInstance;
    QString title;
    QString exe;
};

// Takes pictures of windows and of the screen on one platform.
class ScreenGrabber
{
public:
    virtual ~ScreenGrabber() = default;
    // The window as it looks now; nullopt (and why) when it is gone or not viewable.
    virtual std::optional<QImage> grabWindow(quint64 window, QString* error) = 0;
    // The whole screen.
    virtual std::optional<QImage> grabScreen(QString* error) = 0;
    // The whole screen with every window for which hidden() says true blacked out
    // where it shows (a window in front of it stays as it is).
    using WindowFilter = std::function<bool(const WindowDescription&)>;
    virtual std::optional<QImage> grabScreenHiding(const WindowFilter& hidden, QString* error) = 0;
    // Class and title now (they may have changed since the switch); nullopt if gone.
    virtual std::optional<WindowDescription> describeWindow(quint64 window) = 0;
    // The active window now; 0 when none.
    virtual quint64 activeWindow() = 0;
};

} // namespace trailmark::capture
