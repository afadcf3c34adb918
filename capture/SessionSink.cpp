#include "capture/SessionSink.h"

#include "store/EventWriter.h"
#include "store/Store.h"

namespace trailmark::capture {

SessionSink::SessionSink(store::Store& store, store::EventWriter& writer, QString sessionId)
    : m_store(store)
    , m_writer(writer)
    , m_sessionId(std::move(sessionId))
    , m_sessionIdStd(m_sessionId.toStdString())
{}

void SessionSink::addFilter(const EventFilter* filter)
{
    m_filters.append(filter);
}

bool SessionSink::record(v1::Event& event, QString* error)
{
    if (m_preview)
        m_preview(event);
    event.set_session_id(m_sessionIdStd);
    for (const EventFilter* filter : std::as_const(m_filters))
        filter->apply(event);
    if (!m_writer.append(event, error))
        return false;
    if (m_observer)
        m_observer(event);
    return true;
}

bool SessionSink::commit(QString* error)
{
    return m_writer.flush(error);
}

bool SessionSink::recordIngestPosition(const QString& source, qint64 position, QString* error)
{
    return m_writer.setIngestPosition(source, position, error);
}

std::optional<qint64> SessionSink::ingestPosition(const QString& source, QString* error)
{
    // Same connection as the writer, so a position written in the open batch is seen.
    return m_store.ingestPosition(source, error);
}

std::optional<QByteArray> SessionSink::putBlob(const QByteArray& bytes, const QString& mime, QString* error)
{
    return m_store.putBlob(bytes, mime, error);
}

} // namespace trailmark::capture
