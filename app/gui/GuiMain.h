#pragma once

namespace trailmark::gui {

// Starts the desktop app on the database chosen by --db / TRAILMARK_DB / the default.
// Returns the process exit code.
int runGui(int argc, char* argv[]);

} // namespace trailmark::gui
