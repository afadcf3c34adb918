#pragma once

#include "capture/SessionSink.h"
#include "capture/shell/SpoolRecord.h"

#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <map>
#include <memory>
#include <optional>

namespace trailmark::store {
class EventWriter;
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

// Decides which session spool records land in, for `trailmark ingest` and
// `trailmark shell`:
//  - the session being recorded right now (state RECORDING, newest first), if any: the
//    expert's shell work belongs to the task they are recording;
//  - otherwise one session per shell session id, created with its first event (in the
//    same transaction, so a shell whose records are all stored already, or all bad,
//    leaves no empty session) with task
//    "shell session <host> <start time> (<shell> pid N)", platform "linux-shell" and
//    source "shell-spool:<shell session id>", and found again by that source on later
//    runs. Such sessions are stored FINISHED (they are never "being recorded"), with
//    ended_ns moved to their last event by finish().
// Every sink it hands out goes through SessionSink, with the filters added here.
class ShellSessionRouter
{
public:
    ShellSessionRouter(store::Store& store, store::EventWriter& writer);
    ~ShellSessionRouter();

    // Looks for the recording session and the existing shell sessions.
    bool prepare(QString* error);
    // Filters for every sink (redaction); not owned.
    void addFilter(const EventFilter* filter) { m_filters.append(filter); }
    // The sink for one shell's records; never fails (kept for SpoolIngester's signature),
    // the session is made when the first event arrives.
    EventSink* sinkFor(const SpoolFileName& name, QString* error);
    // Sets ended_ns of the shell sessions written to.
    bool finish(QString* error);

    // Empty when there is no recording session.
    QString recordingSessionId() const { return m_recordingSessionId; }
    // Called with each event just before it is stored into a running recording's
    // session (`trailmark shell` tells the recorder).
    void setRecordingPreview(std::function<void(const v1::Event&)> preview) { m_recordingPreview = std::move(preview); }
    QStringList createdSessionIds() const { return m_created; }

    static QString sourceFor(const QString& shellSessionId);

private:
    class ShellSessionSink;
    SessionSink* sinkForSession(const QString& sessionId);
    // Creates the session a ShellSessionSink stands for; its id, empty on failure.
    QString createShellSession(const SpoolFileName& name, QString* error);
    // Marks a shell session as written to, for finish(); always true.
    bool touch(const QString& sessionId);
    // Undoes createShellSession when the batch it was made in rolled back.
    void forgetShellSession(const SpoolFileName& name, const QString& sessionId);

    store::Store& m_store;
    store::EventWriter& m_writer;
    QList<const EventFilter*> m_filters;
    QString m_recordingSessionId;
    std::function<void(const v1::Event&)> m_recordingPreview;
    QHash<QString, QString> m_sessionBySource;
    std::map<QString, std::unique_ptr<SessionSink>> m_sinks;
    std::map<QString, std::unique_ptr<ShellSessionSink>> m_shellSinks; // by source
    QStringList m_created;
    QStringList m_touchedShellSessions;
};

} // namespace trailmark::capture
