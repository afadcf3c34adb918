#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace trailmark::capture {

// The shell integration printed by `trailmark init SHELL` (resources/shell/trailmark.*,
// compiled into the binary), with the spool directory filled in.
namespace shellintegration {

QStringList supportedShells(); // "bash", "zsh", "fish"
// nullopt when shell is not one of supportedShells(). The bash and zsh scripts load
// the hook's builtin or module from loadableDirectory() when it has it.
std::optional<QByteArray> script(const QString& shell, const QString& spoolDirectory);
// What `trailmark init SHELL --capture-output` puts before the script: an interactive
// shell on a terminal, not under `trailmark shell` already ($TRAILMARK_PTY, which that
// sets) and without TRAILMARK_CAPTURE_OUTPUT=0, replaces itself (exec: one process for
// the terminal) with `trailmark shell` running the same shell, which records output
// too. Nothing happens when trailmarkBinary is not executable. nullopt for a shell not
// in supportedShells().
std::optional<QByteArray> captureOutputPrelude(const QString& shell, const QString& trailmarkBinary);
// Where trailmark_bash.so and trailmark_zsh.so (capture/shell/loadable) are: next to the
// running executable (build tree) or in ../lib/trailmark (installed). Empty when neither
// has them, or without a QCoreApplication.
QString loadableDirectory();
// How a shell's rc file loads it, with --capture-output (commands and their output), as
// the README and the Record tab tell a new user: one line for both.
QString loadLine(const QString& shell);

} // namespace shellintegration
} // namespace trailmark::capture
