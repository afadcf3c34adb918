#pragma once

#include "capture/screenshot/ScreenGrabber.h"
#include "capture/x11/X11Display.h"

#include <memory>

namespace trailmark::capture {

// Screenshots through the X server directly (GetImage on the root window, clipped to
// the window's rectangle), so they work without a Qt GUI application.
class X11ScreenGrabber final : public ScreenGrabber
{
public:
    // nullptr and why when there is no X server.
    static std::unique_ptr<X11ScreenGrabber> create(QString* error);

    std::optional<QImage> grabWindow(quint64 window, QString* error) override;
    std::optional<QImage> grabScreen(QString* error) override;
    std::optional<QImage> grabScreenHiding(const WindowFilter& hidden, QString* error) override;
    std::optional<WindowDescription> describeWindow(quint64 window) override;
    quint64 activeWindow() override;

private:
    explicit X11ScreenGrabber(std::unique_ptr<X11Display> display);
    std::optional<QImage> grabRootArea(int x, int y, int width, int height, QString* error);

    std::unique_ptr<X11Display> m_display;
};

} // namespace trailmark::capture
