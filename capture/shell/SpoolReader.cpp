#include "capture/shell/SpoolReader.h"

#include "capture/shell/SpoolRecord.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace trailmark::capture {
namespace {

// pread() that retries on EINTR; -1 and errno on failure.
ssize_t readAt(int fd, char* data, qsizetype size, qint64 offset)
{
    for (;;) {
        const ssize_t n = ::pread(fd, data, static_cast<size_t>(size), static_cast<off_t>(offset));
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

} // namespace

SpoolReader::SpoolReader(int fd, qint64 start, bool final, qsizetype maxRecordBytes, qsizetype chunkBytes)
    : m_fd(fd)
    , m_final(final)
    , m_maxRecordBytes(maxRecordBytes)
    , m_chunkBytes(chunkBytes)
    , m_bufferStart(start)
{}

void SpoolReader::restartAt(qint64 offset)
{
    m_buffer.clear();
    m_bufferStart = offset;
    m_cursor = 0;
    m_endOfFile = false;
}

bool SpoolReader::readMore()
{
    // Drop what was handed out already, so the buffer holds at most one record plus a chunk.
    if (m_cursor > 0) {
        m_buffer.remove(0, m_cursor);
        m_bufferStart += m_cursor;
        m_cursor = 0;
    }
    const qsizetype kept = m_buffer.size();
    m_buffer.resize(kept + m_chunkBytes);
    const ssize_t n = readAt(m_fd, m_buffer.data() + kept, m_chunkBytes, m_bufferStart + kept);
    m_peakBufferBytes = std::max(m_peakBufferBytes, m_buffer.capacity());
    m_buffer.resize(kept + std::max<ssize_t>(n, 0));
    if (n < 0) {
        m_error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    if (n == 0)
        m_endOfFile = true;
    return n > 0;
}

SpoolReader::Item SpoolReader::next()
{
    if (m_waitingAt >= 0)
        return {Status::Incomplete, m_waitingAt, m_waitingAt, {}};
    for (;;) {
        if (m_cursor < m_buffer.size()) {
            const qsizetype end = spoolRecordEnd(m_buffer, m_cursor, m_final && m_endOfFile);
            if (end >= 0) {
                Item item{Status::Record, m_bufferStart + m_cursor, m_bufferStart + end + 1,
                          QByteArrayView(m_buffer).sliced(m_cursor, end - m_cursor)};
                m_cursor = end + 1;
                return item;
            }
            if (m_buffer.size() - m_cursor > m_maxRecordBytes)
                return skipOversized(m_bufferStart + m_cursor);
        }
        const qint64 here = m_bufferStart + m_cursor;
        if (m_endOfFile) {
            const qint64 fileEnd = m_bufferStart + m_buffer.size();
            if (here >= fileEnd)
                return {Status::End, here, here, {}};
            if (!m_final) {
                m_waitingAt = here;
                return {Status::Incomplete, here, here, {}};
            }
            m_cursor = m_buffer.size();
            return {Status::Truncated, here, fileEnd, {}};
        }
        if (!readMore() && !m_endOfFile)
            return {Status::Error, here, here, {}};
    }
}

// Finds the end of the record at `start` by the rules of spoolRecordEnd, streaming
// through the file instead of holding the record.
SpoolReader::Item SpoolReader::skipOversized(qint64 start)
{
    // The buffer holds more than maxRecordBytes of the record: enough to see its kind.
    const QByteArrayView head = QByteArrayView(m_buffer).sliced(m_cursor);
    const qsizetype tab = head.indexOf('\t');
    const qsizetype lineFeed = head.indexOf('\n');
    const bool hasKind = tab >= 0 && (lineFeed < 0 || tab < lineFeed);
    int nulsLeft = hasKind ? spoolTextFieldCount(head.first(tab)) : 0;
    bool waitForLineFeed = nulsLeft == 0; // a plain line, or a broken version 2 record

    QByteArray chunk(m_chunkBytes, Qt::Uninitialized);
    qint64 firstLineFeed = -1;
    qint64 end = -1;
    qint64 position = start;
    for (;;) {
        const ssize_t n = readAt(m_fd, chunk.data(), chunk.size(), position);
        if (n < 0) {
            m_error = QString::fromLocal8Bit(std::strerror(errno));
            return {Status::Error, start, start, {}};
        }
        if (n == 0)
            break;
        const QByteArrayView bytes = QByteArrayView(chunk).first(n);
        if (firstLineFeed < 0) {
            const qsizetype at = bytes.indexOf('\n');
            if (at >= 0)
                firstLineFeed = position + at;
        }
        qsizetype scan = 0;
        while (!waitForLineFeed && nulsLeft > 0) {
            const qsizetype nul = bytes.indexOf('\0', scan);
            if (nul < 0)
                break;
            scan = nul + 1;
            --nulsLeft;
        }
        if (!waitForLineFeed && nulsLeft == 0 && scan < n) {
            // The byte after the last NUL: the record's LF, or the record is broken and
            // ends at its first LF (as spoolRecordEnd decides).
            if (bytes[scan] == '\n') {
                end = position + scan;
                break;
            }
            waitForLineFeed = true;
        }
        if (waitForLineFeed && firstLineFeed >= 0) {
            end = firstLineFeed;
            break;
        }
        position += n;
    }

    if (end < 0) {
        if (!m_final) {
            restartAt(start);
            m_waitingAt = start; // still being written: a later reader reads it again
            return {Status::Incomplete, start, start, {}};
        }
        if (firstLineFeed < 0) {
            restartAt(position);
            m_endOfFile = true;
            return {Status::Truncated, start, position, {}};
        }
        end = firstLineFeed; // a final file's incomplete record ends at its first LF
    }
    if (end - start <= m_maxRecordBytes) {
        // Short after all (a broken record ending at its first LF): hand it out, so the
        // parser says what is wrong with it.
        restartAt(start);
        m_buffer.resize(end + 1 - start); // with its LF
        const ssize_t n = readAt(m_fd, m_buffer.data(), m_buffer.size(), start);
        if (n != m_buffer.size()) {
            m_error = n < 0 ? QString::fromLocal8Bit(std::strerror(errno)) : QStringLiteral("the file shrank");
            m_buffer.clear();
            return {Status::Error, start, start, {}};
        }
        m_cursor = m_buffer.size();
        return {Status::Record, start, end + 1, QByteArrayView(m_buffer).chopped(1)};
    }
    restartAt(end + 1);
    return {Status::Oversized, start, end + 1, {}};
}

} // namespace trailmark::capture
