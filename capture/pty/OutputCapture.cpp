#include "capture/pty/OutputCapture.h"

#include "trailmark/v1/event.pb.h"

#include <QString>

namespace trailmark::capture {

qsizetype OutputCapture::capFromEnvironment()
{
    bool ok = false;
    const qint64 cap = qEnvironmentVariable("TRAILMARK_OUTPUT_CAP").toLongLong(&ok);
    return ok && cap > 0 ? static_cast<qsizetype>(cap) : kDefaultCap;
}

OutputCapture::OutputCapture(qsizetype cap)
    : m_cap(cap)
{}

void OutputCapture::append(QByteArrayView text)
{
    const qsizetype lastNewline = text.lastIndexOf('\n');
    if (lastNewline >= 0) {
        store(m_pendingLine);
        m_pendingLine.clear();
        store(text.first(lastNewline + 1));
        text = text.sliced(lastNewline + 1);
    }
    m_pendingLine.append(text);
    if (m_pendingLine.size() > kMaxPendingLine) {
        store(m_pendingLine);
        m_pendingLine.clear();
    }
}

void OutputCapture::finish()
{
    if (m_pendingLine.endsWith("\r \r")) {
        qsizetype end = m_pendingLine.size() - 3;
        while (end > 0 && m_pendingLine.at(end - 1) == ' ')
            --end;
        if (end > 0)
            --end; // the marker character itself ('%' or '#')
        m_pendingLine.truncate(end);
    }
    store(m_pendingLine);
    m_pendingLine.clear();
}

void OutputCapture::store(QByteArrayView text)
{
    m_total += static_cast<quint64>(text.size());
    if (m_head.size() < m_cap) {
        const qsizetype take = std::min(m_cap - m_head.size(), text.size());
        m_head.append(text.first(take));
        text = text.sliced(take);
    }
    if (text.isEmpty())
        return;
    if (text.size() >= m_cap) {
        m_tail = text.last(m_cap).toByteArray();
        return;
    }
    m_tail.append(text);
    if (m_tail.size() > 2 * m_cap)
        m_tail.remove(0, m_tail.size() - m_cap);
}

bool OutputCapture::truncated() const
{
    return m_total > static_cast<quint64>(m_head.size() + std::min(m_tail.size(), m_cap));
}

void OutputCapture::fillInto(v1::CommandFinished& finished) const
{
    finished.set_output_captured(true);
    finished.set_output_head(m_head.toStdString());
    finished.set_output_tail(tail().toStdString());
    finished.set_output_truncated(truncated());
    finished.set_output_bytes(m_total);
}

} // namespace trailmark::capture
