#pragma once

#include "capture/import/ImportedCommand.h"

namespace trailmark::capture {

// Reads a zsh history file ($HISTFILE).
//
// With EXTENDED_HISTORY each entry is ": START:ELAPSED;COMMAND" (Unix seconds, seconds
// elapsed); without it, just "COMMAND". A multi-line command is stored with each inner
// newline written as backslash-newline (a line ending in one backslash continues; two
// backslashes are a literal one). Bytes 0x83 and up that zsh treats as special are
// "metafied": written as 0x83 followed by the byte XOR 0x20; they are restored here.
//
// A file is read as extended when most of its entries carry the header; in such a file
// an entry without a valid header is reported and skipped, as is any entry that is not
// valid UTF-8 after unmetafying. Exit status is never recorded by zsh.
class ZshHistoryParser
{
public:
    // False when onCommand stopped the reading (its *error says why).
    static bool parse(const QByteArray& data, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                      QString* error);
};

} // namespace trailmark::capture
