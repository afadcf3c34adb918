#include "store/EventWriter.h"

#include "store/Clock.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <iterator>

namespace trailmark::store {
EventWriter::EventWriter(Store& store, QObject* parent)
    : QObject(parent)
    , m_store(store)
    , m_insertEvent(std::make_unique<SqliteStatement>(
          store.handle(), "INSERT INTO events(id, session, seq, time_ns, kind, payload) VALUES(?,?,?,?,?,?)"))
    , m_lastSeq(std::make_unique<SqliteStatement>(store.handle(),
                                                  "SELECT coalesce(max(seq) + 1, 0) FROM events WHERE session=?"))
    , m_saveIngest(std::make_unique<SqliteStatement>(store.handle(),
                                                     "INSERT INTO ingest(source, position) VALUES(?1, ?2) "
                                                     "ON CONFLICT(source) DO UPDATE SET position=excluded.position"))
{
    m_commitTimer.setSingleShot(true);
    connect(&m_commitTimer, &QTimer::timeout, this, [this] {
        QString error;
        flush(&error);
    });
}

EventWriter::~EventWriter()
{
    QString error;
    if (!flush(&error))
        spdlog::error("{}: events lost at shutdown: {}", m_store.path().toStdString(), error.toStdString());
    if (!m_unwritten.empty())
        spdlog::error("{}: {} events that waited for space are lost at shutdown", m_store.path().toStdString(),
                      m_unwritten.size());
}

void EventWriter::setMaxBatchAge(std::chrono::milliseconds age)
{
    m_maxBatchAgeNs = std::chrono::duration_cast<std::chrono::nanoseconds>(age).count();
}

bool EventWriter::begin(QString* error)
{
    if (m_inTransaction)
        return true;
    // IMMEDIATE takes the write lock now, so the seq numbers read below stay ours until
    // commit even if another process writes to the same file.
    if (!sqliteExec(m_store.handle(), "BEGIN IMMEDIATE", nullptr)) {
        *error = m_store.lastError(QStringLiteral("cannot start a write transaction"));
        return false;
    }
    for (auto& [id, cursor] : m_sessions)
        cursor.nextSeq = -1;
    m_inTransaction = true;
    m_batchStartedNs = m_store.clock().monotonicNs();
    if (m_maxBatchAgeNs > 0)
        m_commitTimer.start(static_cast<int>(m_maxBatchAgeNs / 1'000'000));
    return true;
}

bool EventWriter::commit(QString* error)
{
    m_commitTimer.stop();
    if (!sqliteExec(m_store.handle(), "COMMIT", nullptr)) {
        *error = m_store.lastError(QStringLiteral("cannot commit %1 events").arg(m_pendingEvents));
        rollback();
        spdlog::error("{}", error->toStdString());
        Q_EMIT writeFailed(*error);
        return false;
    }
    m_inTransaction = false;
    m_batchRows.clear();
    m_batchPositions.clear();
    const qint64 count = m_pendingEvents;
    m_committedEvents += count;
    m_pendingEvents = 0;
    if (count > 0)
        Q_EMIT committed(count);
    return true;
}

void EventWriter::rollback()
{
    if (sqlite3_get_autocommit(m_store.handle()) == 0)
        sqliteExec(m_store.handle(), "ROLLBACK", nullptr);
    m_inTransaction = false;
    m_pendingEvents = 0;
    for (auto& [id, cursor] : m_sessions)
        cursor.nextSeq = -1;
    // A kept batch waits for writeUnwritten(); seq numbers are given again then.
    std::move(m_batchRows.begin(), m_batchRows.end(), std::back_inserter(m_unwritten));
    std::move(m_batchPositions.begin(), m_batchPositions.end(), std::back_inserter(m_unwrittenPositions));
    m_batchRows.clear();
    m_batchPositions.clear();
}

bool EventWriter::refuseWhileUnwritten(QString* error) const
{
    if (m_unwritten.empty() && m_unwrittenPositions.empty())
        return false;
    *error = QStringLiteral("%1 earlier events are waiting to be written to %2; nothing is stored before them")
                 .arg(m_unwritten.size())
                 .arg(m_store.path());
    return true;
}

bool EventWriter::writeUnwritten(QString* error)
{
    if (m_unwritten.empty() && m_unwrittenPositions.empty())
        return true;
    if (!flush(error) || !begin(error))
        return false;
    const auto fail = [&](const QString& message) {
        *error = m_store.lastError(message);
        rollback(); // the waiting rows stay where they are; only the transaction goes
        return false;
    };
    for (const KeptRow& row : m_unwritten) {
        SessionCursor* cursor = cursorFor(row.sessionId, error);
        if (!cursor)
            return fail(*error);
        if (!insertRow(row.id, *cursor, row.timeNs, row.kind, row.payload.data(),
                       static_cast<qsizetype>(row.payload.size())))
            return fail(QStringLiteral("cannot store event"));
    }
    for (const auto& [source, position] : m_unwrittenPositions) {
        if (!saveIngestPosition(source, position))
            return fail(QStringLiteral("cannot save the ingest position of %1").arg(source));
    }
    const auto count = static_cast<qint64>(m_unwritten.size());
    if (!commit(error))
        return false; // rolled back; everything still waits
    m_unwritten.clear();
    m_unwrittenPositions.clear();
    spdlog::info("{}: {} events that had waited in memory are written", m_store.path().toStdString(), count);
    return true;
}

bool EventWriter::flush(QString* error)
{
    if (!m_inTransaction)
        return true;
    return commit(error);
}

EventWriter::SessionCursor* EventWriter::cursorFor(const std::string& sessionId, QString* error)
{
    auto it = m_sessions.find(sessionId);
    if (it == m_sessions.end()) {
        const auto row = m_store.sessionRow(uuid::fromText(QString::fromStdString(sessionId)), error);
        if (!row)
            return nullptr;
        it = m_sessions.emplace(sessionId, SessionCursor{*row, -1}).first;
    }
    SessionCursor& cursor = it->second;
    if (cursor.nextSeq < 0) {
        m_lastSeq->bind(1, cursor.row);
        if (!m_lastSeq->step()) {
            *error = m_store.lastError(QStringLiteral("cannot read the last event of a session"));
            m_lastSeq->reset();
            return nullptr;
        }
        cursor.nextSeq = m_lastSeq->columnInt(0);
        m_lastSeq->reset();
    }
    return &cursor;
}

QByteArray EventWriter::preparePayload(v1::Event& event)
{
    if (event.time_ns() == 0)
        event.set_time_ns(m_store.clock().nowNs());
    const QByteArray id = m_store.newId();
    // The row carries the envelope; the payload is the Event with only its body set.
    std::string sessionId = std::move(*event.mutable_session_id());
    const qint64 timeNs = event.time_ns();
    event.clear_id();
    event.clear_session_id();
    event.clear_seq();
    event.clear_time_ns();
    const size_t size = event.ByteSizeLong();
    m_payloadBuffer.resize(size);
    event.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(m_payloadBuffer.data()));
    event.set_id(uuid::toStdText(id.constData()));
    event.set_session_id(std::move(sessionId));
    event.set_time_ns(timeNs);
    return id;
}

bool EventWriter::append(v1::Event& event, QString* error)
{
    if (event.body_case() == v1::Event::BODY_NOT_SET) {
        *error = QStringLiteral("refusing to store an event without a body");
        return false;
    }
    if (refuseWhileUnwritten(error))
        return false;
    if (!begin(error)) {
        // No write lock within the busy timeout (another writer held it), or the file
        // cannot be written: a live event waits in memory like a failed batch. (Ingest
        // positions do not: their records are simply read again.)
        if (m_keepFailedBatches) {
            const QByteArray id = preparePayload(event);
            m_unwritten.push_back(
                {id, event.session_id(), event.time_ns(), static_cast<int>(event.body_case()), m_payloadBuffer});
            Q_EMIT writeFailed(*error);
        }
        return false;
    }
    SessionCursor* cursor = cursorFor(event.session_id(), error);
    if (!cursor)
        return false;

    const QByteArray id = preparePayload(event);
    const qint64 timeNs = event.time_ns();
    const auto size = static_cast<qsizetype>(m_payloadBuffer.size());
    event.set_seq(cursor->nextSeq);

    if (m_keepFailedBatches)
        m_batchRows.push_back({id, event.session_id(), timeNs, static_cast<int>(event.body_case()), m_payloadBuffer});
    if (!insertRow(id, *cursor, timeNs, static_cast<int>(event.body_case()), m_payloadBuffer.data(), size)) {
        *error = m_store.lastError(QStringLiteral("cannot store event"));
        rollback();
        Q_EMIT writeFailed(*error);
        return false;
    }

    if (m_pendingEvents >= m_maxBatchSize || m_store.clock().monotonicNs() - m_batchStartedNs >= m_maxBatchAgeNs)
        return commit(error);
    return true;
}

bool EventWriter::insertRow(const QByteArray& id, SessionCursor& cursor, qint64 timeNs, int kind, const char* payload,
                            qsizetype size)
{
    SqliteStatement& insert = *m_insertEvent;
    insert.bindBlob(1, id.constData(), 16);
    insert.bind(2, cursor.row);
    insert.bind(3, cursor.nextSeq);
    insert.bind(4, timeNs);
    insert.bind(5, static_cast<std::int64_t>(kind));
    insert.bindBlob(6, payload, static_cast<int>(size));
    if (!insert.exec())
        return false;
    ++cursor.nextSeq;
    ++m_pendingEvents;
    return true;
}

bool EventWriter::saveIngestPosition(const QString& source, qint64 position)
{
    m_saveIngest->bindText(1, source);
    m_saveIngest->bind(2, position);
    return m_saveIngest->exec();
}

bool EventWriter::setIngestPosition(const QString& source, qint64 position, QString* error)
{
    if (refuseWhileUnwritten(error) || !begin(error))
        return false;
    if (m_keepFailedBatches)
        m_batchPositions.emplace_back(source, position);
    if (!saveIngestPosition(source, position)) {
        *error = m_store.lastError(QStringLiteral("cannot save the ingest position of %1").arg(source));
        rollback();
        Q_EMIT writeFailed(*error);
        return false;
    }
    return true;
}

} // namespace trailmark::store
