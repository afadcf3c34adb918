// libFuzzer target: the shell spool line parser and the spool file name parser, as the
// ingester calls them on whatever a spool file holds.
#include "capture/shell/SpoolRecord.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArrayView line(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    QString error;
    const auto record = trailmark::capture::parseSpoolLine(line, &error);
    // Either a record or a reason, never neither.
    if (!record && error.isEmpty())
        std::abort();
    if (record && record->kind == trailmark::capture::SpoolRecord::Kind::End && record->durationNs < 0)
        std::abort();
    const auto name = trailmark::capture::parseSpoolFileName(QString::fromUtf8(line));
    if (name && (name->sessionId.isEmpty() || name->shell.isEmpty()))
        std::abort();
    return 0;
}
