#pragma once

namespace trailmark {

// Sends spdlog's default logger to a rotating file in $XDG_STATE_HOME/trailmark
// (trailmark.log, 3 files of 5 MiB, mode 0600). The level comes from TRAILMARK_LOG
// (trace, debug, info, warn, error, critical, off; default info). When the file cannot
// be opened, logging goes nowhere and a single warning is printed on stderr: a log
// must never stop the recording it describes.
void initLogging();

} // namespace trailmark
