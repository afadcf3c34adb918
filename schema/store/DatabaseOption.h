#pragma once

#include <QStringList>

namespace trailmark::store::paths {

// The database the GUI and every subcommand use: --db PATH (or --db=PATH), else
// $TRAILMARK_DB, else the XDG data directory. Removes --db from arguments (program
// name first; nothing after "--" is looked at). *error is set when --db lacks a path.
QString takeDatabaseOption(QStringList& arguments, QString* error);

} // namespace trailmark::store::paths
