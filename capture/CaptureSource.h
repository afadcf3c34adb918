#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <optional>

namespace trailmark::v1 {
class Event;
} // namespace trailmark::v1

namespace trailmark::capture {

// Where captured events go: a SessionSink (which stamps the session, applies redaction
// and exclusions, and hands the event to the EventWriter), behind a RecordingGate in a
// live recording. Sources never talk to the store directly, so nothing unredacted can
// reach the disk by a side path.
class EventSink
{
public:
    virtual ~EventSink() = default;
    // Records one event (body set; time_ns set by the source when it knows better than
    // "now"). The event may be modified (redacted) and gets its id and seq.
    virtual bool record(v1::Event& event, QString* error) = 0;
    // Makes what was recorded so far durable (commits the open batch), for sources that
    // must know it is on disk before they move on (the spool's file lock).
    virtual bool commit(QString* error) = 0;
    // For sources that read files from a saved position (shell spool): stores the
    // position in the same transaction as the events recorded before this call.
    virtual bool recordIngestPosition(const QString& source, qint64 position, QString* error) = 0;
    // The position saved by recordIngestPosition (0 when never saved); nullopt when it
    // cannot be read, so a caller never re-ingests from 0 by mistake.
    virtual std::optional<qint64> ingestPosition(const QString& source, QString* error) = 0;
    // Stores a picture an event will link to (a GUI action's keyframe), once per
    // content hash; its SHA-256 key, or nullopt and why (not while paused or held).
    // Sinks that keep no pictures refuse.
    virtual std::optional<QByteArray> putBlob(const QByteArray& bytes, const QString& mime, QString* error);
    // Whether an event of this time would be kept (not inside a pause, not on hold):
    // a source with costly work per event (a keyframe) skips it when not.
    virtual bool accepts(qint64 /*timeNs*/) const { return true; }
};

// Whether a source can run on this machine, and if not, why, in words for the user.
struct SourceSupport
{
    bool supported = false;
    QString reason; // empty when supported
};

// A source of events: the X11 window watcher, the shell spool, the note hotkey, ...
// Every platform we cannot run yet still gets an implementation that reports
// "not supported yet" with the reason, never a fake.
class CaptureSource : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;
    ~CaptureSource() override = default;

    // Short stable name for logs and settings: "x11-windows", "shell-spool", ...
    virtual QString name() const = 0;
    virtual SourceSupport supportHere() const = 0;
    // Starts delivering events into sink; false (and why) when it cannot.
    virtual bool start(EventSink& sink, QString* error) = 0;
    // Stops delivering; events already delivered stay delivered.
    virtual void stop() = 0;
    // Reads again what the source keeps on disk for later (the shell spool) after the
    // recorder could not store for a while. Live sources have nothing to catch up.
    virtual void catchUp() {}
    // Every event the recording stored, from any source, after redaction: for sources
    // that follow others (the edit watcher watches where shell commands run).
    virtual void observe(const v1::Event&) {}
    // Every event, from any source, just before it is stored: a source that holds
    // something back for a while (the edit watcher's quiet period) stores it first, so
    // the session keeps the order things happened in.
    virtual void aboutToRecord(const v1::Event&) {}

Q_SIGNALS:
    // Something the user should know that does not stop capture (e.g. "no window
    // manager: window switches cannot be seen").
    void warning(const QString& message);
};

} // namespace trailmark::capture
