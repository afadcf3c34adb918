// libFuzzer target: the terminal output parser of `trailmark shell` (escape sequences,
// OSC 133 command marks). Output arrives from the pty in arbitrary pieces, so the same
// bytes fed whole and fed in two pieces must give the same text and marks.
#include "capture/pty/TerminalStreamParser.h"

#include <cstddef>
#include <cstdint>

namespace {

QByteArray parse(QByteArrayView bytes, qsizetype split)
{
    QByteArray log;
    trailmark::capture::TerminalStreamParser parser(
        [&](QByteArrayView text) { log.append(text.data(), text.size()); },
        [&](const trailmark::capture::TerminalStreamParser::Mark& mark) {
            log.append("\x1b[mark ").append(mark.kind).append(' ').append(mark.commandId).append(' ');
            log.append(QByteArray::number(mark.exitCode)).append(']');
        });
    parser.feed(bytes.first(split));
    parser.feed(bytes.sliced(split));
    return log;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const QByteArrayView bytes(reinterpret_cast<const char*>(data + 2), static_cast<qsizetype>(size - 2));
    const qsizetype split = bytes.isEmpty() ? 0 : ((data[0] << 8) | data[1]) % (bytes.size() + 1);
    if (parse(bytes, bytes.size()) != parse(bytes, split))
        __builtin_trap();
    return 0;
}
