#pragma once

#include "capture/SourceChoices.h"

#include <QString>
#include <QStringList>

namespace trailmark::capture {

class Recorder;

// What every live recording captures, set up in one place for `trailmark record` and
// the desktop app: window exclusions and secret redaction (from the user's config
// files), then every registered source (SourceRegistry) as choices say.
struct StandardCapture
{
    // Adds everything to recorder (before Recorder::start). False when a config file is
    // broken: recording without the user's exclusions or redaction rules could store
    // what they asked never to store. Things that merely cannot run here (no display,
    // no screenshots) are returned in *warnings and recording goes on without them.
    static bool addTo(Recorder& recorder, const SourceChoices& choices, QStringList* warnings, QString* error);
};

} // namespace trailmark::capture
