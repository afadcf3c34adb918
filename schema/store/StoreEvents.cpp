// Store: reading and copying events (the rest of Store is in Store.cpp).
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <google/protobuf/io/coded_stream.h>
#include <sqlite3.h>

#include <cstdint>

namespace trailmark::store {

namespace {

// The fields of Event's body oneof by field number (= body case), looked up once.
struct EventBodyFields
{
    const google::protobuf::Reflection* reflection = v1::Event::GetReflection();
    std::vector<const google::protobuf::FieldDescriptor*> byCase;

    EventBodyFields()
    {
        const google::protobuf::OneofDescriptor* body = v1::Event::descriptor()->FindOneofByName("body");
        for (int i = 0; body && i < body->field_count(); ++i) {
            const google::protobuf::FieldDescriptor* field = body->field(i);
            if (field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE)
                continue;
            if (byCase.size() <= static_cast<size_t>(field->number()))
                byCase.resize(static_cast<size_t>(field->number()) + 1, nullptr);
            byCase[static_cast<size_t>(field->number())] = field;
        }
    }
    const google::protobuf::FieldDescriptor* field(qint64 bodyCase) const
    {
        return bodyCase > 0 && static_cast<size_t>(bodyCase) < byCase.size() ? byCase[static_cast<size_t>(bodyCase)]
                                                                             : nullptr;
    }
};

const EventBodyFields& eventBodyFields()
{
    static const EventBodyFields fields;
    return fields;
}

// Decodes rows of SELECT id, seq, time_ns, kind, payload, one after another, into one
// StoredEvent: the payload decoded, or why it does not decode. Each row's body is set
// aside cleared, and the next row of its kind is parsed into it, reusing its strings'
// buffers (ParseFromArray would free one body and allocate the next, row after row).
class EventRowDecoder
{
public:
    explicit EventRowDecoder(std::string sessionText)
        : m_sessionText(std::move(sessionText))
    {}

    const StoredEvent& decode(SqliteStatement& select)
    {
        setAsideBody();
        m_stored.decodeError.clear();
        const std::string_view payload = select.columnBytes(4);
        const qint64 kind = select.columnInt(3);
        const auto spare = static_cast<size_t>(kind);
        if (kind > 0 && spare < m_spareBodies.size() && m_spareBodies[spare]) {
            const EventBodyFields& fields = eventBodyFields();
            fields.reflection->UnsafeArenaSetAllocatedMessage(&m_stored.event, m_spareBodies[spare].release(),
                                                              fields.field(kind));
        }
        // Merged into the (empty) event and the spare body: the same as ParseFromArray,
        // which would clear both first.
        google::protobuf::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(payload.data()),
                                                     static_cast<int>(payload.size()));
        if (!m_stored.event.MergeFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
            setAsideBody();
            m_stored.decodeError = QStringLiteral("payload is not a valid trailmark.v1.Event");
        } else if (m_stored.event.body_case() != kind) {
            m_stored.decodeError = QStringLiteral("payload holds body %1 but the row says %2")
                                       .arg(static_cast<int>(m_stored.event.body_case()))
                                       .arg(kind);
            setAsideBody();
        }
        if (const std::string_view id = select.columnBytes(0); id.size() == 16) {
            std::string* idText = m_stored.event.mutable_id();
            idText->resize(36);
            uuid::writeText(id.data(), idText->data());
        }
        m_stored.event.set_session_id(m_sessionText);
        m_stored.event.set_seq(select.columnInt(1));
        m_stored.event.set_time_ns(select.columnInt(2));
        return m_stored;
    }

private:
    // Moves the event's body (if any) to the spares, cleared, and clears the event.
    void setAsideBody()
    {
        const EventBodyFields& fields = eventBodyFields();
        const int bodyCase = static_cast<int>(m_stored.event.body_case());
        if (const google::protobuf::FieldDescriptor* field = fields.field(bodyCase)) {
            google::protobuf::Message* body = fields.reflection->UnsafeArenaReleaseMessage(&m_stored.event, field);
            body->Clear();
            if (m_spareBodies.size() <= static_cast<size_t>(bodyCase))
                m_spareBodies.resize(fields.byCase.size());
            m_spareBodies[static_cast<size_t>(bodyCase)].reset(body);
        }
        m_stored.event.Clear();
    }

    const std::string m_sessionText;
    StoredEvent m_stored;
    std::vector<std::unique_ptr<google::protobuf::Message>> m_spareBodies; // by body case
};

} // namespace

bool Store::readEvents(const QString& sessionId, qint64 fromSeq, qint64 limit,
                       const std::function<bool(const StoredEvent&)>& visitor, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return false;
    // Events are appended in seq order, so a session's rowids normally rise with its
    // seq: then its rows are read as one run of the table (no seek from the index into
    // the table per row, a tenth of an export's time). The index alone says whether
    // they do; rows written out of order (a merge) are read through it.
    SqliteStatement span =
        m_statements->take("SELECT rowid, seq FROM events WHERE session=? AND seq>=? ORDER BY seq LIMIT ?");
    span.bind(1, *row);
    span.bind(2, fromSeq);
    span.bind(3, limit);
    bool any = false;
    bool rising = true;
    qint64 firstRow = 0;
    qint64 lastRow = 0;
    qint64 lastSeq = 0;
    while (span.step()) {
        const qint64 rowid = span.columnInt(0);
        rising = rising && (!any || rowid > lastRow);
        firstRow = any ? firstRow : rowid;
        lastRow = rowid;
        lastSeq = span.columnInt(1);
        any = true;
    }
    if (span.resultCode() != SQLITE_DONE) {
        *error = lastError(QStringLiteral("cannot read events of session %1").arg(sessionId));
        return false;
    }
    if (!any)
        return true;
    SqliteStatement select;
    if (rising) {
        // Exactly the rows the index listed: the same session and seq range.
        select = m_statements->take(
            "SELECT id, seq, time_ns, kind, payload FROM events NOT INDEXED WHERE rowid BETWEEN ? AND ? "
            "AND session=? AND seq BETWEEN ? AND ? ORDER BY rowid");
        select.bind(1, firstRow);
        select.bind(2, lastRow);
        select.bind(3, *row);
        select.bind(4, fromSeq);
        select.bind(5, lastSeq);
    } else {
        select = m_statements->take(
            "SELECT id, seq, time_ns, kind, payload FROM events WHERE session=? AND seq>=? ORDER BY seq LIMIT ?");
        select.bind(1, *row);
        select.bind(2, fromSeq);
        select.bind(3, limit);
    }
    EventRowDecoder decoder(sessionId.toStdString());
    while (select.step()) {
        if (!visitor(decoder.decode(select)))
            return true;
    }
    if (select.resultCode() != SQLITE_DONE) {
        *error = lastError(QStringLiteral("cannot read events of session %1").arg(sessionId));
        return false;
    }
    return true;
}

bool Store::readEventsAt(const QString& sessionId, const std::vector<qint64>& seqs,
                         const std::function<bool(const StoredEvent&)>& visitor, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return false;
    // Runs of consecutive seqs (a command's start and finish, a page of steps) are read
    // as one range.
    SqliteStatement select = m_statements->take(
        "SELECT id, seq, time_ns, kind, payload FROM events WHERE session=? AND seq BETWEEN ? AND ? ORDER BY seq");
    EventRowDecoder decoder(sessionId.toStdString());
    for (size_t runStart = 0; runStart < seqs.size();) {
        size_t runEnd = runStart + 1;
        while (runEnd < seqs.size() && seqs[runEnd] == seqs[runEnd - 1] + 1)
            ++runEnd;
        select.reset();
        select.bind(1, *row);
        select.bind(2, seqs[runStart]);
        select.bind(3, seqs[runEnd - 1]);
        for (size_t expected = runStart; expected < runEnd; ++expected) {
            const bool found = select.step() && select.columnInt(1) == seqs[expected];
            if (!found) {
                *error = select.resultCode() == SQLITE_ROW || select.resultCode() == SQLITE_DONE
                             ? QStringLiteral("session %1 has no event %2 any more").arg(sessionId).arg(seqs[expected])
                             : lastError(QStringLiteral("cannot read events of session %1").arg(sessionId));
                return false;
            }
            if (!visitor(decoder.decode(select)))
                return true;
        }
        runStart = runEnd;
    }
    return true;
}

bool Store::readEventRows(const QString& sessionId, qint64 fromSeq, qint64 limit,
                          const std::function<bool(const EventRow&)>& visitor, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return false;
    SqliteStatement select = m_statements->take(
        "SELECT id, seq, time_ns, kind, payload FROM events WHERE session=? AND seq>=? ORDER BY seq LIMIT ?");
    select.bind(1, *row);
    select.bind(2, fromSeq);
    select.bind(3, limit);
    while (select.step()) {
        const EventRow event{select.columnBytes(0), select.columnInt(1), select.columnInt(2),
                             static_cast<int>(select.columnInt(3)), select.columnBytes(4)};
        if (!visitor(event))
            return true;
    }
    if (select.resultCode() != SQLITE_DONE) {
        *error = lastError(QStringLiteral("cannot read events of session %1").arg(sessionId));
        return false;
    }
    return true;
}

bool Store::insertEventRows(const QString& sessionId, const std::vector<EventRow>& rows, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return false;
    if (!sqliteExec(m_db, "BEGIN IMMEDIATE", error)) {
        *error = lastError(QStringLiteral("cannot start writing events of session %1").arg(sessionId));
        return false;
    }
    SqliteStatement insert = m_statements->take(
        "INSERT OR IGNORE INTO events(id, session, seq, time_ns, kind, payload) VALUES(?,?,?,?,?,?)");
    for (const EventRow& event : rows) {
        insert.bindBlob(1, event.id.data(), static_cast<int>(event.id.size()));
        insert.bind(2, *row);
        insert.bind(3, event.seq);
        insert.bind(4, event.timeNs);
        insert.bind(5, static_cast<std::int64_t>(event.kind));
        insert.bindBlob(6, event.payload.data(), static_cast<int>(event.payload.size()));
        if (!insert.exec()) {
            *error = lastError(QStringLiteral("cannot write events of session %1").arg(sessionId));
            sqliteExec(m_db, "ROLLBACK", nullptr);
            return false;
        }
        insert.reset();
    }
    if (!sqliteExec(m_db, "COMMIT", nullptr)) {
        *error = lastError(QStringLiteral("cannot commit events of session %1").arg(sessionId));
        sqliteExec(m_db, "ROLLBACK", nullptr);
        return false;
    }
    return true;
}

std::optional<QByteArray> Store::eventPayload(const QString& eventId, QString* error)
{
    SqliteStatement select = m_statements->take("SELECT payload FROM events WHERE id=?");
    select.bind(1, uuid::fromText(eventId));
    if (select.step())
        return select.columnBlob(0);
    *error = select.resultCode() == SQLITE_DONE ? QStringLiteral("%1: no event %2").arg(m_path, eventId)
                                                : lastError(QStringLiteral("cannot read event %1").arg(eventId));
    return std::nullopt;
}

std::optional<qint64> Store::eventCount(const QString& sessionId, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return std::nullopt;
    SqliteStatement select = m_statements->take("SELECT coalesce(max(seq) + 1, 0) FROM events WHERE session=?");
    select.bind(1, *row);
    if (!select.step()) {
        *error = lastError(QStringLiteral("cannot count events"));
        return std::nullopt;
    }
    return select.columnInt(0);
}

std::optional<QHash<QString, EventKindCounts>> Store::eventKindCounts(const QStringList& sessionIds, QString* error)
{
    // One statement, run once per session: an index range on events_by_session_seq.
    SqliteStatement select(m_db, R"sql(
        SELECT kind, count(*) FROM events
        WHERE session = (SELECT rowid FROM sessions WHERE id = ?) GROUP BY kind)sql");
    QHash<QString, EventKindCounts> counts;
    for (const QString& sessionId : sessionIds) {
        select.reset();
        select.bind(1, uuid::fromText(sessionId));
        EventKindCounts& kinds = counts[sessionId];
        while (select.step())
            kinds.insert(static_cast<int>(select.columnInt(0)), select.columnInt(1));
        if (select.resultCode() != SQLITE_DONE) {
            *error = lastError(QStringLiteral("cannot count the events of session %1").arg(sessionId));
            return std::nullopt;
        }
    }
    return counts;
}

} // namespace trailmark::store
