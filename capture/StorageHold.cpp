#include "capture/StorageHold.h"

#include "capture/RecordingGate.h"
#include "store/Clock.h"
#include "store/EventWriter.h"
#include "trailmark/v1/event.pb.h"

#include <spdlog/spdlog.h>

namespace trailmark::capture {

StorageHold::StorageHold(store::EventWriter& writer, RecordingGate& gate, const store::Clock& clock,
                         std::chrono::milliseconds retryInterval, QObject* parent)
    : QObject(parent)
    , m_writer(writer)
    , m_gate(gate)
    , m_clock(clock)
{
    m_retry.setInterval(retryInterval);
    connect(&m_retry, &QTimer::timeout, this, [this] {
        QString error;
        if (!tryToResume(&error))
            spdlog::debug("recorder: the database still cannot be written: {}", error.toStdString());
    });
}

void StorageHold::hold(const QString& reason)
{
    if (isHeld())
        return;
    m_heldSinceNs = m_clock.nowNs();
    m_reason = reason;
    m_gapRecorded = false;
    m_gate.setHeld(true);
    m_retry.start();
    spdlog::error("recorder: on hold, the database cannot be written: {}", reason.toStdString());
    Q_EMIT held(reason);
}

bool StorageHold::tryToResume(QString* error)
{
    if (!m_writer.writeUnwritten(error))
        return false;
    if (!m_gapRecorded) {
        m_gapRecorded = true;
        recordGap();
    }
    if (!m_writer.flush(error) || !m_writer.writeUnwritten(error))
        return false;
    m_retry.stop();
    m_heldSinceNs = 0;
    m_gate.setHeld(false);
    spdlog::info("recorder: the database takes writes again; recording goes on");
    Q_EMIT resumed();
    return true;
}

// What could not be recorded meanwhile (window activity) is said by a GAP marker at the
// time the hold began; shell commands are read from the spool.
void StorageHold::recordGap()
{
    v1::Event gap;
    gap.set_time_ns(m_heldSinceNs);
    gap.mutable_marker()->set_kind(v1::Marker::KIND_GAP);
    gap.mutable_marker()->set_label(QStringLiteral("not recorded for %1 s: %2")
                                        .arg(static_cast<double>(m_clock.nowNs() - m_heldSinceNs) / 1e9, 0, 'f', 1)
                                        .arg(m_reason)
                                        .toStdString());
    QString ignored; // a failure keeps it waiting with the rest
    m_gate.recordMarker(gap, &ignored);
}

} // namespace trailmark::capture
