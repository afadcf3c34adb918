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
// nullopt when shell is not one of supportedShells(). bash's script loads
// bashLoadablePath() when it is not empty.
std::optional<QByteArray> script(const QString& shell, const QString& spoolDirectory);
// trailmark-bash.so, the bash hook as a loadable builtin (capture/shell/bash): next to
// the running executable (build tree) or in ../lib/trailmark (installed). Empty when
// neither has it, or without a QCoreApplication.
QString bashLoadablePath();
// How a shell's rc file loads it, for help texts.
QString loadLine(const QString& shell);

} // namespace shellintegration
} // namespace trailmark
