#include "capture/x11/X11ScreenGrabber.h"

#include <QPainter>
#include <QRect>

#include <xcb/xcb_ewmh.h>

#include <cstdlib>
#include <cstring>

namespace trailmark::capture {
namespace {

struct FreeDeleter
{
    void operator()(void* pointer) const { std::free(pointer); }
};
template <typename T> using Reply = std::unique_ptr<T, FreeDeleter>;

} // namespace

std::unique_ptr<X11ScreenGrabber> X11ScreenGrabber::create(QString* error)
{
    auto display = X11Display::connect(error);
    if (!display)
        return nullptr;
    return std::unique_ptr<X11ScreenGrabber>(new X11ScreenGrabber(std::move(display)));
}

X11ScreenGrabber::X11ScreenGrabber(std::unique_ptr<X11Display> display)
    : m_display(std::move(display))
{}

quint64 X11ScreenGrabber::activeWindow()
{
    return m_display->activeWindow();
}

std::optional<WindowDescription> X11ScreenGrabber::describeWindow(quint64 window)
{
    const auto info = m_display->windowInfo(static_cast<xcb_window_t>(window));
    if (!info)
        return std::nullopt;
    return WindowDescription{info->appClass, info->appInstance, info->title, info->exe};
}

std::optional<QImage> X11ScreenGrabber::grabWindow(quint64 window, QString* error)
{
    xcb_connection_t* connection = m_display->connection();
    const auto id = static_cast<xcb_window_t>(window);
    const auto geometryCookie = xcb_get_geometry(connection, id);
    const auto attributesCookie = xcb_get_window_attributes(connection, id);
    const auto translateCookie = xcb_translate_coordinates(connection, id, m_display->root(), 0, 0);
    Reply<xcb_get_geometry_reply_t> geometry(xcb_get_geometry_reply(connection, geometryCookie, nullptr));
    Reply<xcb_get_window_attributes_reply_t> attributes(
        xcb_get_window_attributes_reply(connection, attributesCookie, nullptr));
    Reply<xcb_translate_coordinates_reply_t> position(
        xcb_translate_coordinates_reply(connection, translateCookie, nullptr));
    if (!geometry || !attributes || !position) {
        *error = QStringLiteral("window %1 is gone").arg(window, 0, 16);
        return std::nullopt;
    }
    if (attributes->map_state != XCB_MAP_STATE_VIEWABLE) {
        *error = QStringLiteral("window %1 is not visible").arg(window, 0, 16);
        return std::nullopt;
    }
    // The root's pixels in the window's rectangle: GetImage on the window itself fails
    // (BadMatch) when part of it is off screen. The window is active, so on top.
    const QRect screen(0, 0, m_display->screen()->width_in_pixels, m_display->screen()->height_in_pixels);
    const QRect area = QRect(position->dst_x, position->dst_y, geometry->width, geometry->height).intersected(screen);
    if (area.isEmpty()) {
        *error = QStringLiteral("window %1 is off screen").arg(window, 0, 16);
        return std::nullopt;
    }
    return grabRootArea(area.x(), area.y(), area.width(), area.height(), error);
}

std::optional<QImage> X11ScreenGrabber::grabScreen(QString* error)
{
    return grabRootArea(0, 0, m_display->screen()->width_in_pixels, m_display->screen()->height_in_pixels, error);
}

std::optional<QImage> X11ScreenGrabber::grabScreenHiding(const WindowFilter& hidden, QString* error)
{
    auto image = grabScreen(error);
    if (!image)
        return image;
    // Windows are painted bottom to top (the window manager's stacking order): a hidden
    // one is blacked out where it is, and a later one in front of it is painted back
    // from the original, so only the parts of hidden windows that show go black.
    xcb_ewmh_get_windows_reply_t stacking{};
    if (!xcb_ewmh_get_windows_reply(m_display->ewmh(), xcb_ewmh_get_client_list_stacking(m_display->ewmh(), 0),
                                    &stacking, nullptr)) {
        // Without the stacking order nothing can be hidden reliably: no picture.
        *error = QStringLiteral("the window manager does not say how windows are stacked");
        return std::nullopt;
    }
    xcb_connection_t* connection = m_display->connection();
    const QImage original = *image;
    QPainter painter(&*image);
    bool masked = false;
    for (uint32_t i = 0; i < stacking.windows_len; ++i) {
        const xcb_window_t window = stacking.windows[i];
        Reply<xcb_get_window_attributes_reply_t> attributes(
            xcb_get_window_attributes_reply(connection, xcb_get_window_attributes(connection, window), nullptr));
        if (!attributes || attributes->map_state != XCB_MAP_STATE_VIEWABLE)
            continue; // minimised or on another desktop: not on the picture
        Reply<xcb_get_geometry_reply_t> geometry(
            xcb_get_geometry_reply(connection, xcb_get_geometry(connection, window), nullptr));
        Reply<xcb_translate_coordinates_reply_t> origin(xcb_translate_coordinates_reply(
            connection, xcb_translate_coordinates(connection, window, m_display->root(), 0, 0), nullptr));
        const auto info = m_display->windowInfo(window);
        if (!geometry || !origin || !info)
            continue;
        const QRect area(origin->dst_x, origin->dst_y, geometry->width, geometry->height);
        if (hidden(WindowDescription{info->appClass, info->appInstance, info->title, info->exe})) {
            painter.fillRect(area, Qt::black);
            masked = true;
        } else if (masked) {
            painter.drawImage(area.topLeft(), original, area);
        }
    }
    xcb_ewmh_get_windows_reply_wipe(&stacking);
    return image;
}

std::optional<QImage> X11ScreenGrabber::grabRootArea(int x, int y, int width, int height, QString* error)
{
    xcb_connection_t* connection = m_display->connection();
    xcb_generic_error_t* xError = nullptr;
    Reply<xcb_get_image_reply_t> image(xcb_get_image_reply(
        connection,
        xcb_get_image(connection, XCB_IMAGE_FORMAT_Z_PIXMAP, m_display->root(), static_cast<int16_t>(x),
                      static_cast<int16_t>(y), static_cast<uint16_t>(width), static_cast<uint16_t>(height), ~0u),
        &xError));
    if (!image) {
        *error = QStringLiteral("the X server refused the screenshot (error %1)").arg(xError ? xError->error_code : 0);
        std::free(xError);
        return std::nullopt;
    }
    // Find how the server lays out pixels of this depth.
    const xcb_setup_t* setup = xcb_get_setup(connection);
    int bitsPerPixel = 0;
    int scanlinePad = 0;
    for (auto it = xcb_setup_pixmap_formats_iterator(setup); it.rem > 0; xcb_format_next(&it)) {
        if (it.data->depth == image->depth) {
            bitsPerPixel = it.data->bits_per_pixel;
            scanlinePad = it.data->scanline_pad;
        }
    }
    QImage::Format format = QImage::Format_Invalid;
    if (bitsPerPixel == 32 && (image->depth == 24 || image->depth == 32))
        format = QImage::Format_RGB32;
    else if (bitsPerPixel == 16 && image->depth == 16)
        format = QImage::Format_RGB16;
    if (format == QImage::Format_Invalid || setup->image_byte_order != XCB_IMAGE_ORDER_LSB_FIRST) {
        *error = QStringLiteral("screenshots of a %1-bit display with %2 bits per pixel are not supported")
                     .arg(image->depth)
                     .arg(bitsPerPixel);
        return std::nullopt;
    }
    const int stride = ((width * bitsPerPixel + scanlinePad - 1) / scanlinePad) * scanlinePad / 8;
    const int length = xcb_get_image_data_length(image.get());
    if (stride * height > length) {
        *error = QStringLiteral("the X server sent a short image (%1 of %2 bytes)").arg(length).arg(stride * height);
        return std::nullopt;
    }
    // copy(): the QImage must own its pixels, the reply is freed on return.
    return QImage(xcb_get_image_data(image.get()), width, height, stride, format).copy();
}

} // namespace trailmark::capture
