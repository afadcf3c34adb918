#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

#include <optional>

namespace trailmark::capture {

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
// deletes it when it has been ingested completely. bash's shell-function hook also
// keeps "<session>.scratch" (the last history line, 0600), deleted with the session's
// last spool file; its loadable builtin needs none.
//
// Records. Version 1 (still read: files written by older hooks may be on disk when a
// new version is installed) has one record per line, ending in LF, fields separated by
// TAB:
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
//   - kinds "S", "E", "N": backslash escapes. "\\" is a backslash, "\n" LF, "\t" TAB,
//     "\r" CR; every other byte is itself, invalid UTF-8 included. Any other character
//     after a backslash makes the line malformed.
//   - kinds "S%", "E%", "N%" (fish, whose built-ins escape that way): percent-encoding,
//     "%XX" is the byte 0xXX, every other byte is itself.
//
// Version 2 (bash and zsh since the hooks stopped escaping, which cost them more than
// everything else per command): text fields are raw bytes, each ended by a NUL, and
// come last in the record; the record ends with LF after its last NUL. bash strings
// cannot hold a NUL; a NUL in a zsh command line ends its field early, and the record is
// then reported as malformed, never stored wrong. Other fields are as in version 1 and
// cannot hold TAB, LF or NUL:
//
//     S0  <n>  <time>  <cwd>\0<command>\0\n
//     Sf  <n>  <time>  <cwd>\0<fc line>\0\n          (bash's shell-function hook)
//     E0  <n>  <time>  <exit>  <pipestatus>  <start time>\n
//     N0  <time>  <text>\0\n
//
// <n> is the command's number within its shell; the full command id is
// "<shell session id>-<n>" (the session id is in the file name, see spoolCommandId).
// <fc line> is what bash's `fc -l -0` printed: "<history number>\t<flag><command>\n"
// with <flag> ' ' or '*'; the parser strips all but <command>. E0's duration is
// <time> - <start time> (the S0 record's time). Since a command can hold LF, a version
// 2 record is found by counting its NULs (spoolRecordEnd), not by looking for LF.
//
// Records that do not parse are reported with file and line number and skipped; the
// records around them are kept.
struct SpoolRecord
{
    enum class Kind
    {
        Start,
        End,
        Note,
    };
    Kind kind = Kind::Start;
    QByteArray commandId;  // Start, End: as written (version 2: just <n>; see spoolCommandId)
    qint64 timeNs = 0;     // all
    QByteArray cwd;        // Start
    QByteArray text;       // Start: the command line; Note: the note
    int exitCode = 0;      // End
    QList<int> pipeStatus; // End
    qint64 durationNs = 0; // End
    bool localId = false;  // commandId is only <n> (version 2 records)
};

// Parses one record (without its final LF; for version 1 that is one line). nullopt and a
// reason (without file/line) when the record is malformed.
std::optional<SpoolRecord> parseSpoolLine(QByteArrayView line, QString* error);

// The index of the LF that ends the record starting at data[from], or -1 when that
// record is not complete yet. A version 2 record whose structure is broken (a write
// that failed half-way, garbage) ends at its first LF once one exists and either the
// file is final or more NULs than the record needs have arrived (it can never complete).
qsizetype spoolRecordEnd(QByteArrayView data, qsizetype from, bool final);

// How many NUL-ended text fields end a record of this kind (its bytes before the first
// tab): 2 for "S0" and "Sf", 1 for "N0", 0 for every record that is one plain line.
int spoolTextFieldCount(QByteArrayView kind);

// The full command id of a Start/End record of the given shell session.
QByteArray spoolCommandId(const SpoolRecord& record, QByteArrayView sessionId);

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

} // namespace trailmark::capture
