#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace trailmark::capture {

// Reads the records of one spool file (format in SpoolRecord.h) from a byte offset, in
// bounded memory: chunks of `chunkBytes`, and at most `maxRecordBytes` of one record.
//
// A record longer than that (a 100 MiB line of garbage, a runaway paste) is not held:
// it is skipped by streaming to its end and handed out as Oversized, with its offsets,
// so the caller can report it and carry on with the records after it. Memory stays
// under maxRecordBytes + chunkBytes whatever the file holds.
class SpoolReader
{
public:
    static constexpr qsizetype kDefaultMaxRecordBytes = qsizetype(16) << 20;
    static constexpr qsizetype kDefaultChunkBytes = qsizetype(1) << 20;

    enum class Status
    {
        Record,     // bytes: one complete record, without its final LF
        Oversized,  // a record longer than maxRecordBytes, skipped; bytes is empty
        Truncated,  // the file is final and ends inside a record; next is the file's size
        Incomplete, // the rest is still being written: stop, and read again later
        End,        // every byte up to the end of the file was handed out
        Error,      // reading failed; see error()
    };

    struct Item
    {
        Status status = Status::End;
        qint64 offset = 0;    // where the record starts in the file
        qint64 next = 0;      // where the next one starts (the position to save)
        QByteArrayView bytes; // Record only; valid until the next call of next()
    };

    // `final`: the file will not grow any more (its shell is gone or it was rotated), so
    // a record that does not complete by the end of the file never will.
    SpoolReader(int fd, qint64 start, bool final, qsizetype maxRecordBytes = kDefaultMaxRecordBytes,
                qsizetype chunkBytes = kDefaultChunkBytes);

    Item next();
    QString error() const { return m_error; }
    // The largest the buffer has been: the memory bound, for tests.
    qsizetype peakBufferBytes() const { return m_peakBufferBytes; }

private:
    // Appends a chunk at the end of the buffer; false at the end of the file or on error.
    bool readMore();
    Item skipOversized(qint64 start);
    void restartAt(qint64 offset);

    int m_fd;
    bool m_final;
    qsizetype m_maxRecordBytes;
    qsizetype m_chunkBytes;
    QByteArray m_buffer; // file bytes [m_bufferStart, m_bufferStart + size)
    qint64 m_bufferStart = 0;
    qsizetype m_cursor = 0; // the next record starts at m_buffer[m_cursor]
    bool m_endOfFile = false;
    qint64 m_waitingAt = -1; // returned Incomplete there, and stays so
    qsizetype m_peakBufferBytes = 0;
    QString m_error;
};

} // namespace trailmark::capture
