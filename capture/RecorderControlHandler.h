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

    RecorderControlHandler(SessionId sessionId, AddNote addNote);

    QJsonObject answer(const QJsonObject& request) const;

private:
    QJsonObject answerNote(const QJsonObject& request) const;

    SessionId m_sessionId;
    AddNote m_addNote;
};

} // namespace trailmark::capture
