#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace trailmark {

// The shell spool: what the hooks printed by `trailmark init bash|zsh|fish` write, and
// the SpoolIngester reads.
//
// Files. One directory ($TRAILMARK_SPOOL_DIR, else $XDG_RUNTIME_DIR/trailmark; 0700)
// holds one file per shell and generation:
//
//     <shell>-<pid>-<start_us>.<generation>.spool          mode 0600
//
// "<shell>-<pid>-<start_us>" is the shell session id (shell name, the shell's pid, its
// start time in microseconds). A hook only appends to its newest generation; it opens
// generation N+1 after TRAILMARK_SPOOL_ROTATE records (default 1000) or when its file
// vanished, and never writes to generation N again. So a file is final once a newer
// generation of the same session exists or the shell's pid is gone, and the ingester
// deletes it when it has been ingested completely. bash also keeps "<session>.scratch"
// (the last history line, 0600), deleted with the session's last spool file.
//
// Lines. Every record is exactly one line ending in LF; a line without its LF is still
// being written and is read only once complete. Fields are separated by TAB:
//
//     S  <command id>  <time>  <cwd>  <command>          a command line started
//     E  <command id>  <time>  <exit>  <pipestatus>  <duration_us>   it finished
//     N  <time>  <text>                                  `tm note TEXT`
//
// <command id> is "<shell session id>-<n>" (n = 1, 2, ... per shell) and pairs S with E;
// a command that never finishes (exit, killed terminal) leaves only its S line. <time>
// is Unix time in decimal seconds with any number of fraction digits ("1764335400.123456";
// ',' accepted as the decimal mark, as bash prints it in some locales). <exit> is the
// shell's $?/$status; <pipestatus> is the exit of each pipeline member separated by
// single spaces (may be empty). Text fields (<cwd>, <command>, <text>) carry any bytes:
//
//   - kinds "S", "E", "N" (bash, zsh): backslash escapes. "\\" is a backslash, "\n" LF,
//     "\t" TAB, "\r" CR; every other byte is itself, invalid UTF-8 included. Any other
//     character after a backslash makes the line malformed.
//   - kinds "S%", "E%", "N%" (fish, whose built-ins escape that way): percent-encoding,
//     "%XX" is the byte 0xXX, every other byte is itself.
//
// Lines that do not parse are reported with file and line number and skipped; the
// lines around them are kept.
struct SpoolRecord
{
    enum class Kind
    {
        Start,
        End,
        Note,
    };
    Kind kind = Kind::Start;
    QByteArray commandId;  // Start, End
    qint64 timeNs = 0;     // all
    QByteArray cwd;        // Start
    QByteArray text;       // Start: the command line; Note: the note
    int exitCode = 0;      // End
    QList<int> pipeStatus; // End
    qint64 durationNs = 0; // End
};

// Parses one line (without its LF). nullopt and a reason (without file/line) when the
// line is malformed.
std::optional<SpoolRecord> parseSpoolLine(QByteArrayView line, QString* error);

// The parts of a spool file name; nullopt when the name is not a spool file's.
struct SpoolFileName
{
    QString shell;     // "bash", "zsh", "fish"
    qint64 pid = 0;    // the shell's pid
    QString sessionId; // "<shell>-<pid>-<start_us>"
    qint64 startUs = 0;
    qint64 generation = 0;
};
std::optional<SpoolFileName> parseSpoolFileName(const QString& fileName);

} // namespace trailmark
