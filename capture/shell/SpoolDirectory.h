#pragma once

#include <QString>

namespace trailmark::capture {

// Where the shell hooks write their spool files and the recorder listens for control
// requests: $TRAILMARK_SPOOL_DIR, else $XDG_RUNTIME_DIR/trailmark, else
// /tmp/trailmark-<uid>. Made 0700 by whoever creates it.
QString spoolDirectory();

} // namespace trailmark::capture
