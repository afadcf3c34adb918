#pragma once

#include "trailmark/v1/event.pb.h"

#include <QJsonObject>
#include <QString>

#include <functional>
#include <optional>

namespace trailmark::capture {

// Answers the requests that reach a recorder over its control socket
// (RecorderControlServer; the wire format is described there):
//
//     {"request": "status"}                        -> {"ok": true, "session": ..., "pid": ...}
//     {"request": "note", "text": ..., "kind": ..., "origin": ...}
//                                                  -> {"ok": true, "session": ..., "event": ...}
//     {"request": "shell-event", "event": base64 of a serialised v1::Event}
//                                                  -> {"ok": true}
//
// A shell-event is a command's start or end that a `trailmark shell` terminal is about to
// store in the recording session itself (it ingests its own spool, to pair output with
// commands): the recorder's sources that follow commands (file edits) learn of it, and
// store what comes before it first. The recorder never stores it.
//
// and {"ok": false, "error": ...} for anything it cannot do. "kind" is a note kind's text
// form (vocabulary::parseNoteKind); "origin" defaults to "cli".
class RecorderControlHandler
{
public:
    // Stores a note and returns its event id; nullopt and *error when it cannot.
    using AddNote = std::function<std::optional<QString>(const QString& text, v1::Note::Kind kind,
                                                         const QString& origin, QString* error)>;
    using SessionId = std::function<QString()>;
    using ShellEvent = std::function<bool(const v1::Event& event, QString* error)>;

    RecorderControlHandler(SessionId sessionId, AddNote addNote, ShellEvent shellEvent = {});

    QJsonObject answer(const QJsonObject& request) const;

private:
    QJsonObject answerNote(const QJsonObject& request) const;

    QJsonObject answerShellEvent(const QJsonObject& request) const;

    SessionId m_sessionId;
    AddNote m_addNote;
    ShellEvent m_shellEvent;
};

} // namespace trailmark::capture
