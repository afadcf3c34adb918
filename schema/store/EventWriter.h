#pragma once

#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace trailmark::v1 {
class Event;
} // namespace trailmark::v1

namespace trailmark::store {

class SqliteStatement;
class Store;

// Appends events to a Store in batched transactions.
//
// A transaction is opened by the first append and committed when it is older than the
// batch age (250 ms by default, checked on every append and by a timer when events stop
// flowing), when it holds maxBatchSize events, or on flush(). A crash therefore loses at
// most the batch in flight and never corrupts the file (WAL).
//
// Spool ingest positions are written into the same transaction as the events they
// cover, so after a crash a source resumes exactly where its committed events end.
class EventWriter : public QObject
{
    Q_OBJECT

public:
    explicit EventWriter(Store& store, QObject* parent = nullptr);
    ~EventWriter() override; // commits what is pending

    // Stores the event: fills id (UUIDv7), seq (next in its session, gapless) and
    // time_ns (now, when 0). event.session_id must name an existing session.
    bool append(v1::Event& event, QString* error);
    // Records that source has been ingested up to position; commits with the events.
    bool setIngestPosition(const QString& source, qint64 position, QString* error);
    // Commits the open batch now. True when nothing was pending.
    bool flush(QString* error);
    // Opens the batch transaction now (nothing when one is open), so a caller can write
    // rows of its own on the store's connection that must commit or roll back together
    // with the events (import bookkeeping). A failed append rolls them back too.
    bool beginBatch(QString* error) { return begin(error); }

    // Keep a copy of each batch until it commits, so a batch that fails (disk full) is
    // not lost: it waits in memory for writeUnwritten(), as does an event that could not
    // start a transaction (write lock busy). Off by default (bulk writers such as import
    // fail instead and are run again); the live recorder turns it on.
    void setKeepFailedBatches(bool keep) { m_keepFailedBatches = keep; }
    // Events of failed batches that wait in memory. While there are any, append() and
    // setIngestPosition() refuse: nothing may be stored ahead of them.
    qint64 unwrittenEvents() const { return static_cast<qint64>(m_unwritten.size()); }
    // Stores the waiting events (with their ids, in their order) and ingest positions in
    // one transaction. True when nothing waits any more.
    bool writeUnwritten(QString* error);

    qint64 pendingEvents() const { return m_pendingEvents; }
    qint64 committedEvents() const { return m_committedEvents; }
    void setMaxBatchAge(std::chrono::milliseconds age);
    void setMaxBatchSize(qint64 events) { m_maxBatchSize = events; }

Q_SIGNALS:
    // A batch reached the disk; count is the number of events in it.
    void committed(qint64 count);
    // A commit failed (disk full, I/O error); the batch was rolled back.
    void writeFailed(const QString& error);

private:
    struct SessionCursor
    {
        qint64 row = -1;
        qint64 nextSeq = -1; // -1: read from the database inside the current transaction
    };

    // One row as appended, kept for a replay when its batch fails.
    struct KeptRow
    {
        QByteArray id;
        std::string sessionId;
        qint64 timeNs = 0;
        int kind = 0;
        std::string payload;
    };

    bool begin(QString* error);
    bool commit(QString* error);
    void rollback();
    bool refuseWhileUnwritten(QString* error) const;
    // Gives the event its id (returned) and time, and serializes its body into
    // m_payloadBuffer.
    QByteArray preparePayload(v1::Event& event);
    bool insertRow(const QByteArray& id, SessionCursor& cursor, qint64 timeNs, int kind, const char* payload,
                   qsizetype size);
    bool saveIngestPosition(const QString& source, qint64 position);
    SessionCursor* cursorFor(const std::string& sessionId, QString* error);

    Store& m_store;
    std::unique_ptr<SqliteStatement> m_insertEvent;
    std::unique_ptr<SqliteStatement> m_lastSeq;
    std::unique_ptr<SqliteStatement> m_saveIngest;
    std::unordered_map<std::string, SessionCursor> m_sessions;
    std::string m_payloadBuffer;
    QTimer m_commitTimer;
    qint64 m_maxBatchAgeNs = 250'000'000;
    qint64 m_maxBatchSize = 100'000;
    qint64 m_batchStartedNs = 0;
    qint64 m_pendingEvents = 0;
    qint64 m_committedEvents = 0;
    bool m_inTransaction = false;
    bool m_keepFailedBatches = false;
    std::vector<KeptRow> m_batchRows; // the open batch, when keeping
    std::vector<std::pair<QString, qint64>> m_batchPositions;
    std::vector<KeptRow> m_unwritten; // failed batches, oldest first
    std::vector<std::pair<QString, qint64>> m_unwrittenPositions;
};

} // namespace trailmark::store
