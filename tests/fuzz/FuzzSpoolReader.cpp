// libFuzzer target: the chunked spool reader against the in-memory record walk. Whatever
// the bytes, the chunk size and the record limit, the reader must cut the file into the
// same records as spoolRecordEnd does on the whole file, hand out records only up to the
// limit (plus one chunk), and keep its buffer within the bound.
#include "capture/shell/SpoolReader.h"
#include "capture/shell/SpoolRecord.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sys/mman.h>
#include <unistd.h>

using namespace trailmark;

namespace {

void check(bool condition)
{
    if (!condition)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype chunk = 1 + data[0] % 16;
    const qsizetype limit = 4 + data[1];
    const QByteArray content(reinterpret_cast<const char*>(data) + 2, static_cast<qsizetype>(size) - 2);

    const int fd = ::memfd_create("spool", MFD_CLOEXEC);
    check(fd >= 0);
    check(::write(fd, content.constData(), content.size()) == content.size());
    capture::SpoolReader reader(fd, 0, true, limit, chunk);

    qsizetype position = 0;
    for (;;) {
        const capture::SpoolReader::Item item = reader.next();
        check(item.offset == position);
        if (item.status == capture::SpoolReader::Status::End) {
            check(position == content.size());
            break;
        }
        const qsizetype end = trailmark::capture::spoolRecordEnd(content, position, true);
        switch (item.status) {
        case capture::SpoolReader::Status::Record:
            check(end >= 0 && item.next == end + 1);
            check(item.bytes == QByteArrayView(content).sliced(position, end - position));
            check(item.bytes.size() <= limit + chunk);
            break;
        case capture::SpoolReader::Status::Oversized:
            check(end >= 0 && item.next == end + 1);
            check(end - position > limit);
            break;
        case capture::SpoolReader::Status::Truncated:
            check(end < 0 && item.next == content.size());
            break;
        default:
            std::abort(); // a final file is never Incomplete, and a memfd does not fail
        }
        position = item.next;
    }
    check(reader.peakBufferBytes() <= 2 * (limit + chunk) + 64);
    ::close(fd);
    return 0;
}
