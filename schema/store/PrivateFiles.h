#pragma once

#include <QString>

namespace trailmark::store {

// Everything Trailmark writes is the user's alone: directories 0700, files 0600.
// These create with those modes from the start (no window where the file is wider),
// and tighten an existing path that is wider.
namespace privatefiles {

// Creates the directory and missing parents with mode 0700; an existing directory
// that is group/world accessible is narrowed to 0700.
bool ensureDirectory(const QString& path, QString* error);
// Creates an empty file with mode 0600 if it does not exist (parents via
// ensureDirectory); an existing file's mode is narrowed to 0600.
bool ensureFile(const QString& path, QString* error);

} // namespace privatefiles

// Default locations, following the XDG base directory spec.
namespace paths {
// $TRAILMARK_DB, else $XDG_DATA_HOME/trailmark/trailmark.db (~/.local/share/...).
QString defaultDatabase();
// $XDG_STATE_HOME/trailmark (~/.local/state/trailmark): logs.
QString stateDirectory();
} // namespace paths

} // namespace trailmark::store
