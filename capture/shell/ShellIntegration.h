#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace trailmark {

// The shell integration printed by `trailmark init SHELL` (resources/shell/trailmark.*,
// compiled into the binary), with the spool directory filled in.
namespace shellintegration {

QStringList supportedShells(); // "bash", "zsh", "fish"
// nullopt when shell is not one of supportedShells().
std::optional<QByteArray> script(const QString& shell, const QString& spoolDirectory);
// How a shell's rc file loads it, for help texts.
QString loadLine(const QString& shell);

} // namespace shellintegration
} // namespace trailmark
