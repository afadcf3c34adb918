#pragma once

#include <QStringList>

namespace trailmark::cli {

// True when the arguments ask for a subcommand, --help or --version rather than the
// GUI. `trailmark` and `trailmark --db PATH` open the GUI; anything else is the CLI.
bool wantsCommandLine(const QStringList& arguments);

// Runs the command line (arguments as QCoreApplication::arguments(), program first)
// and returns the process exit code: 0 success, 1 the command found a problem or
// failed, 2 the arguments were wrong.
int run(const QStringList& arguments);

} // namespace trailmark::cli
