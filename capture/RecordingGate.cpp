#include "capture/RecordingGate.h"

#include "capture/SessionSink.h"
#include "capture/screenshot/Screenshotter.h"
#include "store/Clock.h"
#include "trailmark/v1/event.pb.h"

#include <algorithm>
#include <limits>

namespace trailmark::capture {
namespace {
constexpr qint64 kOpenEnd = std::numeric_limits<qint64>::max();
}

RecordingGate::RecordingGate(SessionSink& sink, Screenshotter* screenshotter, const store::Clock& clock)
    : m_sink(sink)
    , m_screenshotter(screenshotter)
    , m_clock(clock)
{}

void RecordingGate::pause(qint64 atNs)
{
    m_pauses.push_back({atNs, kOpenEnd});
}

void RecordingGate::resume(qint64 atNs)
{
    if (!m_pauses.empty())
        m_pauses.back().second = atNs;
}

bool RecordingGate::isPaused() const
{
    return !m_pauses.empty() && m_pauses.back().second == kOpenEnd;
}

bool RecordingGate::isPausedAt(qint64 ns) const
{
    return std::any_of(m_pauses.begin(), m_pauses.end(),
                       [ns](const auto& pause) { return ns >= pause.first && ns < pause.second; });
}

bool RecordingGate::recordMarker(v1::Event& event, QString* error)
{
    return m_sink.record(event, error);
}

bool RecordingGate::record(v1::Event& event, QString* error)
{
    if (m_held || isPausedAt(event.time_ns() != 0 ? event.time_ns() : m_clock.nowNs()))
        return true;
    if (!m_sink.record(event, error))
        return false;
    if (m_screenshotter == nullptr)
        return true;
    for (const ScreenshotTrigger trigger : m_screenshotTriggers) {
        if (const std::optional<WindowShot> shot = trigger(event))
            m_screenshotter->windowActivated(shot->window, shot->excluded);
    }
    return true;
}

bool RecordingGate::commit(QString* error)
{
    return m_sink.commit(error);
}

bool RecordingGate::recordIngestPosition(const QString& source, qint64 position, QString* error)
{
    if (m_held) {
        *error = QStringLiteral("recording is on hold until the database can be written; %1 is read then").arg(source);
        return false;
    }
    return m_sink.recordIngestPosition(source, position, error);
}

std::optional<QByteArray> RecordingGate::putBlob(const QByteArray& bytes, const QString& mime, QString* error)
{
    if (!accepts(m_clock.nowNs())) {
        *error = m_held ? QStringLiteral("recording is on hold until the database can be written")
                        : QStringLiteral("recording is paused");
        return std::nullopt;
    }
    return m_sink.putBlob(bytes, mime, error);
}

std::optional<qint64> RecordingGate::ingestPosition(const QString& source, QString* error)
{
    return m_sink.ingestPosition(source, error);
}

} // namespace trailmark::capture
