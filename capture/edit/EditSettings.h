#pragma once

#include <QStringList>

namespace trailmark::capture {

// The user's choices about file edits, kept in the app's QSettings file (the GUI's
// Settings writes them; `trailmark record` reads them too, so an excluded directory is
// excluded however a recording starts).
struct EditSettings
{
    static bool enabled();
    static void setEnabled(bool enabled);
    // Watched in every recording, besides the work trees of recorded commands.
    static QStringList watchDirectories();
    static void setWatchDirectories(const QStringList& directories);
    // Never watched, with everything under them.
    static QStringList excludedDirectories();
    static void setExcludedDirectories(const QStringList& directories);
};

} // namespace trailmark::capture
