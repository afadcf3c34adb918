#pragma once

#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace trailmark::gui::settingsfiles {

// The rule files Settings edits in place (the same files `trailmark record` reads) and
// the folder lists it takes, checked before anything is written.

// The file's text; empty when it does not exist yet.
QString readRuleFile(const QString& path);
// Validates text as a rule file by loading it from a private scratch copy, so error
// messages carry line numbers as they will for the real file.
bool checkRules(const QString& text, const QString& realPath,
                const std::function<bool(const QString& path, QString* error)>& load, QString* error);
// Writes the file private (0600); nothing when the text is empty and there is no file.
bool writeRuleFile(const QString& path, const QString& text, QString* error);
// Folders, one per line, blanks and duplicates dropped; an error naming the first one
// that is not an absolute path to a folder (what: the entry's name).
std::optional<QStringList> folderList(const QString& text, const QString& what, QString* error);

} // namespace trailmark::gui::settingsfiles
