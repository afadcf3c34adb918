#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace trailmark::v1 {
class CommandFinished;
} // namespace trailmark::v1

namespace trailmark::capture {

// One command's terminal output as stored: the first `cap` bytes (head) and the last
// `cap` bytes after them (tail), with the total counted and truncation flagged, so a
// command that prints gigabytes costs at most 2 × cap of memory.
class OutputCapture
{
public:
    // TRAILMARK_OUTPUT_CAP (bytes, > 0), else 64 KiB.
    static qsizetype capFromEnvironment();
    static constexpr qsizetype kDefaultCap = 64 * 1024;

    explicit OutputCapture(qsizetype cap = kDefaultCap);
    void append(QByteArrayView text);
    // The command ended. The last, unterminated line is held back until here so that
    // zsh's PROMPT_SP marker (printed before any hook can mark the end: the mark
    // character, spaces, then CR SPACE CR) is left out of the stored output.
    void finish();
    // Sets output_head/tail/truncated/bytes/captured.
    void fillInto(v1::CommandFinished& finished) const;

    QByteArray head() const { return m_head; }
    QByteArray tail() const { return m_tail.right(m_cap); }
    quint64 totalBytes() const { return m_total; } // after finish()
    bool truncated() const;

private:
    void store(QByteArrayView text);

    // Held-back partial last line; at most this long, longer ones are stored at once.
    static constexpr qsizetype kMaxPendingLine = 4096;
    QByteArray m_pendingLine;
    qsizetype m_cap;
    QByteArray m_head;
    QByteArray m_tail; // up to 2 × cap, trimmed to cap lazily
    quint64 m_total = 0;
};

} // namespace trailmark::capture
