#pragma once

#include "capture/CaptureSource.h"
#include "capture/SessionSink.h"
#include "capture/screenshot/ScreenshotTrigger.h"
#include "trailmark/v1/event.pb.h"
#include "trailmark/v1/session.pb.h"

#include <QObject>
#include <QStringList>

#include <chrono>
#include <memory>
#include <vector>

namespace trailmark::store {
class EventWriter;
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

class RecorderControlServer;
class RecorderLock;
class RecordingGate;
class ScreenGrabber;
class Screenshotter;
class StorageHold;
class WindowExclusionFilter;

struct RecorderOptions
{
    QString databasePath;
    QString task;
    QString expert;   // empty: the login name
    QString host;     // empty: this machine's host name
    QString platform; // empty: currentPlatform()
    bool screenshots = true;
    // Live events are few; committing them quickly keeps what a crash loses small and
    // lets `trailmark show` in another terminal follow along.
    std::chrono::milliseconds batchAge{100};
    std::chrono::milliseconds screenshotDelay{300};
    // Listen for `trailmark note` on the control socket.
    bool controlSocket = true;
    // While the database cannot be written (disk full), how often to try again.
    std::chrono::milliseconds storageRetryInterval{2000};
};

// Owns one live recording: the database lock, the session, the writer and the sink
// every source and filter is attached to. No widgets; the CLI and the GUI drive it.
// The parts with rules of their own are classes of their own: InterruptedSessionRepair
// (sessions a dead recorder left open), RecordingGate (pauses, the screenshot trigger),
// StorageHold (disk full) and RecorderControlHandler (`trailmark note`).
//
//     Recorder recorder(options);
//     recorder.addFilter(std::make_unique<Redactor>(rules));   // before start()
//     recorder.addSource(createWindowSource());             // or StandardCapture::addTo
//     recorder.start(&error);  ...  recorder.stop(&error);
class Recorder : public QObject
{
    Q_OBJECT

public:
    explicit Recorder(RecorderOptions options, QObject* parent = nullptr);
    ~Recorder() override; // stops cleanly if still running

    // Sources and filters, before start(). Filters run in the order added, after the
    // window exclusions.
    void addSource(std::unique_ptr<CaptureSource> source);
    void addFilter(std::unique_ptr<EventFilter> filter);
    void setWindowExclusions(std::unique_ptr<WindowExclusionFilter> exclusions);
    void setScreenGrabber(std::unique_ptr<ScreenGrabber> grabber);
    // Whether this session takes pictures (Session.screenshots_enabled), and how long
    // after a switch; overrides the options the recorder was made with.
    void setScreenshots(bool enabled, std::chrono::milliseconds delay);
    // Events that call for a picture of a window, as a source declares them.
    void addScreenshotTrigger(ScreenshotTrigger trigger);
    const RecorderOptions& options() const { return m_options; }

    // Locks the database, closes sessions a killed recorder left open (INTERRUPTED),
    // creates the session and starts every source. A source that cannot run here is
    // reported through warning() and skipped; false only when recording is impossible.
    bool start(QString* error);
    // Stops the sources, commits the last batch, and marks the session FINISHED.
    bool stop(QString* error);
    bool isRecording() const { return m_gate != nullptr; }
    // Pausing stores a PAUSE marker and then nothing, from any source, until a resume
    // stores a RESUME marker; shell commands typed meanwhile are read from the spool
    // and dropped. The session shows as PAUSED while it lasts.
    bool setPaused(bool paused, QString* error);
    bool isPaused() const;
    // Whether recording waits for the database to take writes again (see storageHeld).
    bool isOnHold() const;

    QString sessionId() const;
    const v1::Session& session() const { return m_session; }
    // Ids of the sessions start() found open and marked INTERRUPTED.
    QStringList interruptedSessions() const { return m_interrupted; }
    QStringList runningSources() const { return m_running; }
    store::Store* store() const { return m_store.get(); }
    store::EventWriter* writer() const { return m_writer.get(); }

    // Adds a note to the session and commits it (plus a screenshot of the screen when
    // the session allows). Returns the event id.
    std::optional<QString> addNote(const QString& text, v1::Note::Kind kind, const QString& origin, QString* error);

Q_SIGNALS:
    // Something the user should know (a source that cannot run, a lost display, a bad
    // spool line); recording goes on. A failed write is storageHeld() instead.
    void warning(const QString& message);
    // The database refused a write (disk full, I/O error). Recording is held: the batch
    // that failed waits in memory, shell commands wait in the spool, window activity is
    // not recorded. Every storageRetryInterval the waiting events are written again;
    // when that succeeds, a GAP marker says what was missed, the spool is read, and
    // storageResumed() follows. `reason` is the database's error.
    void storageHeld(const QString& reason);
    void storageResumed();

private:
    void startScreenshots();
    void startControlSocket();
    void startSources();
    void onStorageResumed();

    RecorderOptions m_options;
    std::vector<std::unique_ptr<CaptureSource>> m_sources;
    std::vector<std::unique_ptr<EventFilter>> m_filters;
    std::unique_ptr<WindowExclusionFilter> m_exclusions;
    std::unique_ptr<ScreenGrabber> m_grabber;
    std::vector<ScreenshotTrigger> m_screenshotTriggers;

    std::unique_ptr<RecorderLock> m_lock;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<store::EventWriter> m_writer;
    std::unique_ptr<SessionSink> m_sessionSink;
    std::unique_ptr<RecordingGate> m_gate;
    std::unique_ptr<StorageHold> m_hold;
    std::unique_ptr<Screenshotter> m_screenshotter;
    std::unique_ptr<RecorderControlServer> m_control;
    v1::Session m_session;
    QStringList m_interrupted;
    QStringList m_running;
};

} // namespace trailmark::capture
