#pragma once

#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace trailmark::capture {

// The global shortcut that opens the app's note box, as the note source declares it
// (Settings: "Note hotkey"), grabbed by whatever this platform offers: the X11 key grab
// today; other platforms say why they cannot.
class NoteHotkey
{
public:
    // Grabs the shortcut saved in Settings; triggered runs on every press while the
    // returned object (owned by parent) lives. nullptr, the shortcut's text and why when
    // it cannot be grabbed here.
    static QObject* grab(QObject* parent, std::function<void()> triggered, QString* shortcut, QString* error);
};

} // namespace trailmark::capture
