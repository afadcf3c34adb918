#pragma once

#include <QString>
#include <QStringList>

namespace trailmark::capture {

class Recorder;

// What a live recording captures beyond the defaults, as the CLI's options and the
// GUI's settings say.
struct CaptureChoices
{
    bool screenshots = true;
    QString spoolDirectory;
    // File edits: in the work trees of recorded commands, plus these directories, never
    // under the excluded ones.
    bool edits = true;
    QStringList watchDirectories;
    QStringList excludedDirectories;
    // Clicks, typing and keys inside GUI apps, with their UI elements and a keyframe
    // each (when screenshots are on). Opt-in: it reads every key the expert presses.
    bool guiActions = false;
};

// What every live recording captures, set up in one place for `trailmark record` and
// the desktop app: window exclusions and secret redaction (from the user's config
// files), the window source of this platform, the shell spool, file edits, and
// screenshots.
struct StandardCapture
{
    // Adds everything to recorder (before Recorder::start). False when a config file is
    // broken: recording without the user's exclusions or redaction rules could store
    // what they asked never to store. Things that merely cannot run here (no display,
    // no screenshots) are returned in *warnings and recording goes on without them.
    static bool addTo(Recorder& recorder, const CaptureChoices& choices, QStringList* warnings, QString* error);
};

} // namespace trailmark::capture
