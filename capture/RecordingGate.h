#pragma once

#include "capture/CaptureSource.h"
#include "capture/screenshot/ScreenshotTrigger.h"

#include <utility>
#include <vector>

namespace trailmark::store {
class Clock;
} // namespace trailmark::store

namespace trailmark::capture {

class Screenshotter;
class SessionSink;

// The EventSink every source of a live recording delivers into, in front of the
// session sink. It keeps out what must not be stored: anything that happened inside a
// pause, and live activity while the database cannot be written (held). After an event
// has passed the filters (and so knows whether it is excluded) it asks the screenshot
// triggers the sources declared (a window switch) whether it calls for a picture.
class RecordingGate final : public EventSink
{
public:
    // screenshotter may be null (no screenshots in this session).
    RecordingGate(SessionSink& sink, Screenshotter* screenshotter, const store::Clock& clock);

    // What passes goes on to the session sink; see above for what does not.
    bool record(v1::Event& event, QString* error) override;
    bool commit(QString* error) override;
    bool recordIngestPosition(const QString& source, qint64 position, QString* error) override;
    std::optional<qint64> ingestPosition(const QString& source, QString* error) override;
    // Pictures only while events of now would be kept.
    std::optional<QByteArray> putBlob(const QByteArray& bytes, const QString& mime, QString* error) override;
    bool accepts(qint64 timeNs) const override { return !m_held && !isPausedAt(timeNs); }
    // Asked for every stored event while there is a screenshotter.
    void addScreenshotTrigger(ScreenshotTrigger trigger) { m_screenshotTriggers.push_back(trigger); }

    // A pause from atNs until resume(); events are judged by their own time, so shell
    // commands that reach the spool only after the resume are still kept out.
    void pause(qint64 atNs);
    void resume(qint64 atNs);
    bool isPaused() const;
    bool isPausedAt(qint64 ns) const;
    // Held while the database cannot be written: live activity is dropped (a GAP marker
    // says so later) and ingest is refused, so shell commands stay in the spool.
    void setHeld(bool held) { m_held = held; }
    bool isHeld() const { return m_held; }
    // Markers are the one thing recorded at the edges of a pause and of a hold.
    bool recordMarker(v1::Event& event, QString* error);

private:
    SessionSink& m_sink;
    Screenshotter* m_screenshotter;
    std::vector<ScreenshotTrigger> m_screenshotTriggers;
    const store::Clock& m_clock;
    std::vector<std::pair<qint64, qint64>> m_pauses; // [from, to) in Unix ns; open while paused
    bool m_held = false;
};

} // namespace trailmark::capture
