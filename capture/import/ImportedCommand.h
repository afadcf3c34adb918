#pragma once

#include <QByteArray>
#include <QString>

#include <functional>
#include <optional>

namespace trailmark::capture {

// The latest time (Unix seconds, in 2262) that int64 nanoseconds hold: later timestamps
// in a history file are reported as invalid instead of overflowing.
constexpr qint64 kMaxHistorySeconds = 9'223'372'036;

// One command read from a shell history, before it becomes events. What a format does
// not record stays at its "unknown" value.
struct ImportedCommand
{
    // The command text exactly as the history holds it (unmetafied for zsh; lines of a
    // multi-line command joined with '\n'), any bytes: a command in another encoding is
    // kept byte for byte, as the shell hooks keep it (exports add its base64).
    QByteArray command;
    // Working directory; empty when the format has none (zsh, bash).
    QByteArray cwd;
    // Start time in Unix nanoseconds; -1 when the history has no time for it.
    qint64 startNs = -1;
    // How long it ran; -1 when unknown (bash; atuin for a command that never ended).
    qint64 durationNs = -1;
    // Exit status; nullopt when the format does not record it.
    std::optional<int> exitCode;
    // The format's own id of the record (atuin's history id); empty when it has none.
    QByteArray recordId;
    // The shell session it ran in (atuin's session id); empty when unknown.
    QByteArray shellSession;
    // "host:user" as atuin records it; empty when unknown.
    QByteArray hostUser;
    // Where it is in the file: first line (zsh, bash), or rowid (atuin).
    qint64 line = 0;
};

// A record that was skipped, and why. line as in ImportedCommand.
struct ImportProblem
{
    qint64 line = 0;
    QString message;
};

// Called for each command in file order; the command's byte arrays may point into the
// reader's buffers and are valid only during the call. Returning false stops reading
// (the visitor has set *error).
using CommandVisitor = std::function<bool(const ImportedCommand& command, QString* error)>;
using ProblemVisitor = std::function<void(const ImportProblem& problem)>;

} // namespace trailmark::capture
