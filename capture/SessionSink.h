#pragma once

#include "capture/CaptureSource.h"

#include <QList>
#include <QString>

#include <functional>

namespace trailmark::store {
class EventWriter;
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

// Rewrites an event before it is stored: secret redaction, excluded apps and titles.
// Filters see every event of every source; one that does not apply returns at once.
class EventFilter
{
public:
    virtual ~EventFilter() = default;
    virtual void apply(v1::Event& event) const = 0;
};

// The EventSink that stores into one session: stamps the session id, runs the filters
// in order, and appends through the EventWriter. Every capture path (live sources,
// spool ingest, imports) ends here, so no event reaches the disk unfiltered.
class SessionSink final : public EventSink
{
public:
    SessionSink(store::Store& store, store::EventWriter& writer, QString sessionId);

    QString sessionId() const { return m_sessionId; }
    // Filters are applied in the order added; not owned, must outlive the sink.
    void addFilter(const EventFilter* filter);
    // Called with every event once it is appended (filtered, with id and seq).
    void setObserver(std::function<void(const v1::Event&)> observer) { m_observer = std::move(observer); }
    // Called with every event before it is appended (unfiltered): a source may store
    // what happened before it first (the edits saved before the next command starts).
    void setPreview(std::function<void(const v1::Event&)> preview) { m_preview = std::move(preview); }

    bool record(v1::Event& event, QString* error) override;
    bool commit(QString* error) override;
    bool recordIngestPosition(const QString& source, qint64 position, QString* error) override;
    std::optional<qint64> ingestPosition(const QString& source, QString* error) override;
    std::optional<QByteArray> putBlob(const QByteArray& bytes, const QString& mime, QString* error) override;

private:
    store::Store& m_store;
    store::EventWriter& m_writer;
    QString m_sessionId;
    std::string m_sessionIdStd;
    QList<const EventFilter*> m_filters;
    std::function<void(const v1::Event&)> m_observer;
    std::function<void(const v1::Event&)> m_preview;
};

} // namespace trailmark::capture
