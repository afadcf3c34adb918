#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>

namespace trailmark::store {
class Clock;
class EventWriter;
} // namespace trailmark::store

namespace trailmark::capture {

class RecordingGate;

// What a recording does while the database refuses writes (disk full, I/O error): the
// batch that failed waits in the writer, the gate is held (live activity dropped, the
// spool left for later), and every retry interval the waiting events are written again.
// When that works, a GAP marker at the time the hold began says what was missed, and
// resumed() follows so the sources can catch up on what they keep on disk.
class StorageHold : public QObject
{
    Q_OBJECT

public:
    // writer must keep its failed batches (EventWriter::setKeepFailedBatches).
    StorageHold(store::EventWriter& writer, RecordingGate& gate, const store::Clock& clock,
                std::chrono::milliseconds retryInterval, QObject* parent = nullptr);

    bool isHeld() const { return m_heldSinceNs != 0; }
    // The database's error that began the hold.
    QString reason() const { return m_reason; }
    // Begins the hold (EventWriter::writeFailed); a failure while held changes nothing.
    void hold(const QString& reason);
    // Writes what waited and, when that works, ends the hold; true when recording goes
    // on. Also what the retry timer calls.
    bool tryToResume(QString* error);

Q_SIGNALS:
    void held(const QString& reason);
    void resumed();

private:
    void recordGap();

    store::EventWriter& m_writer;
    RecordingGate& m_gate;
    const store::Clock& m_clock;
    QTimer m_retry;
    qint64 m_heldSinceNs = 0; // 0: writing works
    QString m_reason;
    bool m_gapRecorded = false;
};

} // namespace trailmark::capture
