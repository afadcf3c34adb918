#pragma once

#include "capture/screenshot/ScreenGrabber.h"

#include <QObject>
#include <QTimer>

#include <memory>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

class EventSink;
class WindowExclusionFilter;

// Takes the screenshots a session allows: of the newly active window shortly after a
// switch (so it has painted), and of the screen on a note. Each picture is stored once
// per content hash (Store::putBlob) and linked by a Screenshot event. Nothing is taken
// while an excluded window is active; a terminal is never taken, and on a picture of
// the screen terminals and excluded windows are blacked out.
class Screenshotter : public QObject
{
    Q_OBJECT

public:
    Screenshotter(store::Store& store, EventSink& sink, std::unique_ptr<ScreenGrabber> grabber,
                  const WindowExclusionFilter* exclusions, QObject* parent = nullptr);
    ~Screenshotter() override;

    void setDelay(int milliseconds) { m_timer.setInterval(milliseconds); }
    // A switch to window was recorded; a later switch before the delay replaces it.
    void windowActivated(quint64 window, bool excluded);
    // The whole screen, now (unless the active window is excluded).
    void captureScreen();
    void cancel() { m_timer.stop(); }

    qint64 taken() const { return m_taken; }

Q_SIGNALS:
    void warning(const QString& message);

private:
    void captureWindow();
    bool allowed(quint64 window);
    void store(const QImage& image, quint64 window);

    store::Store& m_store;
    EventSink& m_sink;
    std::unique_ptr<ScreenGrabber> m_grabber;
    const WindowExclusionFilter* m_exclusions;
    QTimer m_timer;
    quint64 m_pendingWindow = 0;
    qint64 m_taken = 0;
};

} // namespace trailmark::capture
