#pragma once

#include <string_view>

namespace trailmark::capture {

// Whether a command line is the shell's own `exit` or `logout` (with or without a
// status: "exit", "exit 1", "logout", "exit $?"). It ends the shell, not a step of the
// work: bash and zsh never report its end (the shell is gone before its prompt), so
// stored as a command it would stay "interrupted" forever. Neither the hooks' spool nor
// an imported history turns it into a command.
bool endsTheShell(std::string_view commandLine);

} // namespace trailmark::capture
