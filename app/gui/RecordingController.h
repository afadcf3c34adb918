#pragma once

#include "capture/SourceChoices.h"
#include "trailmark/v1/event.pb.h"

#include <QObject>
#include <QStringList>

class QThread;

namespace trailmark::gui {

class RecorderHost;

// Drives one live recording from the GUI. The Recorder (its sources, redaction and
// writer) lives on a worker thread, so window events and disk writes never wait on
// the GUI and the GUI never waits on the disk; calls go over as queued invocations and
// results come back as signals.
class RecordingController final : public QObject
{
    Q_OBJECT

public:
    enum class State
    {
        Idle,
        Starting,
        Recording,
        Paused,
        Stopping,
    };
    Q_ENUM(State)

    explicit RecordingController(QString databasePath, QObject* parent = nullptr);
    ~RecordingController() override; // finishes a running session cleanly

    State state() const { return m_state; }
    bool isActive() const { return m_state != State::Idle; }
    QString sessionId() const { return m_sessionId; }
    QString task() const { return m_task; }
    qint64 startedMsecs() const { return m_startedMsecs; }
    // The database refused writes (disk full): recording is held until it takes them
    // again; the message says why and what is kept.
    bool isStorageHeld() const { return !m_storageProblem.isEmpty(); }
    QString storageProblem() const { return m_storageProblem; }
    // What the recording started last captures that people must not forget is on
    // ("clicks and keys"), for the window title and the status bar.
    QStringList announcements() const { return m_announcements; }

    // choices: what the recording captures (RecordTabChoices, or SourceChoices defaults).
    void start(const QString& task, const capture::SourceChoices& choices);
    void setPaused(bool paused);
    void stop();
    void addNote(const QString& text, v1::Note::Kind kind);
    // Stops and waits for the session to be finished on disk (quitting).
    void stopAndWait();

Q_SIGNALS:
    void stateChanged(trailmark::gui::RecordingController::State state);
    void started(const QString& sessionId);
    void stopped(const QString& sessionId, const QString& error);
    void failed(const QString& message);
    void warning(const QString& message);
    // A batch of the session's events reached the disk.
    void eventsCommitted();
    void noteResult(bool ok, const QString& error);
    // isStorageHeld() changed.
    void storageChanged();

private:
    void setState(State state);
    void setStorageProblem(const QString& problem);

    QString m_databasePath;
    QThread* m_thread = nullptr;
    RecorderHost* m_host = nullptr;
    State m_state = State::Idle;
    QString m_sessionId;
    QString m_task;
    qint64 m_startedMsecs = 0;
    QString m_storageProblem;
    QStringList m_announcements;
};

} // namespace trailmark::gui
