#include "capture/screenshot/Screenshotter.h"

#include "capture/CaptureSource.h"
#include "capture/redact/TerminalWindows.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "store/Store.h"

#include <QBuffer>

#include <spdlog/spdlog.h>

namespace trailmark::capture {

Screenshotter::Screenshotter(store::Store& store, EventSink& sink, std::unique_ptr<ScreenGrabber> grabber,
                             const WindowExclusionFilter* exclusions, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_sink(sink)
    , m_grabber(std::move(grabber))
    , m_exclusions(exclusions)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(300);
    connect(&m_timer, &QTimer::timeout, this, &Screenshotter::captureWindow);
}

Screenshotter::~Screenshotter() = default;

void Screenshotter::windowActivated(quint64 window, bool excluded)
{
    if (excluded) {
        // A pending picture of the previous window would now show the excluded one.
        m_timer.stop();
        return;
    }
    m_pendingWindow = window;
    m_timer.start();
}

bool Screenshotter::allowed(quint64 window)
{
    if (window == 0)
        return true;
    // Class and title again: the window may have turned into a password prompt since.
    const auto description = m_grabber->describeWindow(window);
    if (!description)
        return false;
    return m_exclusions == nullptr || !m_exclusions->isExcluded(*description);
}

void Screenshotter::captureWindow()
{
    const quint64 window = m_pendingWindow;
    if (m_grabber->activeWindow() != window)
        return;
    // Class and title again: the window may have turned into a password prompt since.
    // A terminal's picture would show what the shell hooks redact in its text (a token
    // typed at a prompt): its commands and output are recorded as text instead.
    const auto description = m_grabber->describeWindow(window);
    if (!description || isKeptOutOfPictures(*description, m_exclusions))
        return;
    QString error;
    const auto image = m_grabber->grabWindow(window, &error);
    if (!image) {
        spdlog::debug("screenshot of window {:#x} skipped: {}", window, error.toStdString());
        return;
    }
    store(*image, window);
}

void Screenshotter::captureScreen()
{
    if (!allowed(m_grabber->activeWindow()))
        return;
    QString error;
    // Terminals and excluded windows elsewhere on the screen are blacked out.
    const auto image = m_grabber->grabScreenHiding(
        [this](const WindowDescription& window) { return isKeptOutOfPictures(window, m_exclusions); }, &error);
    if (!image) {
        spdlog::warn("screenshot of the screen failed: {}", error.toStdString());
        return;
    }
    store(*image, 0);
}

void Screenshotter::store(const QImage& image, quint64 window)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        spdlog::error("cannot encode a {}x{} screenshot as PNG", image.width(), image.height());
        return;
    }
    QString error;
    const QString mime = QStringLiteral("image/png");
    const auto sha256 = m_store.putBlob(png, mime, &error);
    if (!sha256) {
        Q_EMIT warning(QStringLiteral("cannot store a screenshot: %1").arg(error));
        return;
    }
    v1::Event event;
    auto* body = event.mutable_screenshot();
    body->set_sha256(sha256->toStdString());
    body->set_mime(mime.toStdString());
    body->set_width(static_cast<quint32>(image.width()));
    body->set_height(static_cast<quint32>(image.height()));
    body->set_window_id(window);
    if (!m_sink.record(event, &error)) {
        Q_EMIT warning(QStringLiteral("cannot record a screenshot: %1").arg(error));
        return;
    }
    ++m_taken;
}

} // namespace trailmark::capture
