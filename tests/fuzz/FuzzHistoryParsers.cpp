// libFuzzer target: the zsh and bash history parsers of `trailmark import`, on the same
// bytes (the first byte picks the parser, so one corpus serves both).
#include "capture/import/BashHistoryParser.h"
#include "capture/import/ZshHistoryParser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const bool zsh = (data[0] & 1) != 0;
    const QByteArray text(reinterpret_cast<const char*>(data + 1), static_cast<qsizetype>(size - 1));
    qint64 lastLine = 0;
    const trailmark::capture::CommandVisitor onCommand = [&](const trailmark::capture::ImportedCommand& command,
                                                             QString*) {
        // Lines are reported in order and inside the file.
        if (command.line < lastLine || command.line < 1 || command.line > text.count('\n') + 1)
            __builtin_trap();
        lastLine = command.line;
        return true;
    };
    const trailmark::capture::ProblemVisitor onProblem = [](const trailmark::capture::ImportProblem&) {
    };
    QString error;
    if (zsh)
        trailmark::capture::ZshHistoryParser::parse(text, onCommand, onProblem, &error);
    else
        trailmark::capture::BashHistoryParser::parse(text, onCommand, onProblem, &error);
    return 0;
}
