#pragma once

#include "trailmark/v1/annotation.pb.h"
#include "trailmark/v1/event.pb.h"
#include "trailmark/v1/session.pb.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

struct sqlite3;

namespace trailmark::store {

class Clock;
class StatementCache;
class UuidV7Generator;

// An event as read back from the store. The envelope (id, session, seq, time) always
// comes from the row; the body comes from the payload, and when the payload cannot be
// decoded the event is still returned, with the reason in decodeError, so one bad row
// never hides the others.
struct StoredEvent
{
    v1::Event event;
    QString decodeError; // empty when the payload decoded
    bool isReadable() const { return decodeError.isEmpty(); }
};

// Event count per body kind (the events.kind column) of one session.
using EventKindCounts = QHash<int, qint64>;

// Per-session figures the session list needs without decoding events.
struct SessionSummary
{
    v1::Session session;
    qint64 eventCount = 0;
    qint64 lastEventNs = 0;
    QString decodeError; // the session payload could not be decoded
};

// The SQLite file that holds sessions, events, annotations and blobs.
//
// One Store is one connection and belongs to one thread. Reads are plain calls; event
// writes go through an EventWriter (batched). Everything that can fail returns false /
// nullopt and says why in *error, naming the file.
class Store
{
public:
    enum class Access
    {
        ReadOnly,  // never writes; the file must exist
        ReadWrite, // creates the file (0600, whole: made aside, then linked into place) and
                   // migrates it to the current schema
    };

    // The schema this build writes. A file with a higher PRAGMA user_version comes from
    // a newer Trailmark and is refused, never modified.
    static constexpr int kSchemaVersion = 2;
    // PRAGMA application_id of Trailmark databases ("TMRK").
    static constexpr int kApplicationId = 0x544D524B;

    static std::unique_ptr<Store> open(const QString& path, Access access, QString* error);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    QString path() const { return m_path; }
    bool isReadOnly() const { return m_access == Access::ReadOnly; }
    const Clock& clock() const;
    void setClock(const Clock* clock);

    // Sessions. createSession fills id (UUIDv7), started_ns and state when unset.
    bool createSession(v1::Session& session, QString* error);
    bool updateSession(const v1::Session& session, QString* error);
    std::optional<v1::Session> session(const QString& id, QString* error);
    // All sessions, newest first, with counts.
    std::optional<QList<SessionSummary>> sessionSummaries(QString* error);
    // Full id from a unique prefix of at least 4 characters (as git does for hashes).
    std::optional<QString> resolveSessionId(const QString& idOrPrefix, QString* error);

    // Events of a session in seq order, from fromSeq on, at most limit (-1: all).
    // The visitor returns false to stop early.
    bool readEvents(const QString& sessionId, qint64 fromSeq, qint64 limit,
                    const std::function<bool(const StoredEvent&)>& visitor, QString* error);
    // The events with these seqs, in the order given (runs of consecutive seqs are read
    // as one range); an error names a seq the session does not have.
    bool readEventsAt(const QString& sessionId, const std::vector<qint64>& seqs,
                      const std::function<bool(const StoredEvent&)>& visitor, QString* error);
    std::optional<qint64> eventCount(const QString& sessionId, QString* error);
    // The rows themselves, undecoded, in seq order (to copy a session elsewhere byte for
    // byte: the team store). The views are valid during the visitor call only.
    struct EventRow
    {
        std::string_view id; // 16 bytes
        qint64 seq = 0;
        qint64 timeNs = 0;
        int kind = 0;
        std::string_view payload;
    };
    bool readEventRows(const QString& sessionId, qint64 fromSeq, qint64 limit,
                       const std::function<bool(const EventRow&)>& visitor, QString* error);
    // The reverse: rows copied from elsewhere (a pull from the team store) into a session
    // of this file, ids, seqs and payloads as they are, in one transaction. A row whose
    // id or seq is already here is left alone, so a pull cut off half way is repeated.
    bool insertEventRows(const QString& sessionId, const std::vector<EventRow>& rows, QString* error);
    // One event's stored payload by its id (nullopt with the reason when there is none).
    std::optional<QByteArray> eventPayload(const QString& eventId, QString* error);
    // How many events of each body kind (the events.kind column: the v1::Event body's
    // field number) each session holds, without decoding any. Every given session has an
    // entry, empty when it has no events or does not exist.
    std::optional<QHash<QString, EventKindCounts>> eventKindCounts(const QStringList& sessionIds, QString* error);

    // Annotations; addAnnotation fills id and time_ns when unset.
    bool addAnnotation(v1::Annotation& annotation, QString* error);
    std::optional<QList<v1::Annotation>> annotations(const QString& sessionId, QString* error);

    // A reviewer's redaction: rewrites every span of annotation.redactions in the target
    // event's stored text (replaced by "[REDACTED:reviewer]", recorded in the body's
    // redactions), marks the spans applied, and stores the annotation, in one
    // transaction. The old text is zeroed in the file (secure_delete) and the WAL is
    // checkpointed, so the secret leaves the disk, not just the view.
    bool addRedaction(v1::Annotation& annotation, QString* error);

    // Content-addressed blobs (screenshots, large outputs). Returns the SHA-256 key;
    // storing the same bytes twice keeps one copy.
    std::optional<QByteArray> putBlob(const QByteArray& bytes, const QString& mime, QString* error);
    std::optional<QByteArray> blob(const QByteArray& sha256, QString* error);
    std::optional<QString> blobMime(const QByteArray& sha256, QString* error);
    bool hasBlob(const QByteArray& sha256);

    // How far a spool source has been ingested (0 when never). Positions are written by
    // EventWriter in the same transaction as the events they cover.
    std::optional<qint64> ingestPosition(const QString& source, QString* error);

    // A fresh UUIDv7 (16 bytes) stamped with the store's clock.
    QByteArray newId();

    // The 16-byte key of a session, and its row number in the events table.
    std::optional<qint64> sessionRow(const QByteArray& sessionKey, QString* error);
    // "<path>: <what SQLite said>" for the last failure on this connection.
    QString lastError(const QString& doing) const;

private:
    // The raw connection stays inside the store library: only its own classes run SQL
    // on the store's tables. Tests damage files on purpose through it, so test targets
    // (TRAILMARK_STORE_TEST_ACCESS, set in tests/CMakeLists.txt) may reach it too.
    friend class EventWriter;
    friend class ImportLedger;
    friend class Verifier;
#ifdef TRAILMARK_STORE_TEST_ACCESS
public:
#endif
    sqlite3* handle() const
    {
        return m_db;
    }

private:
    // A new database file, created whole (see open()).
    static bool create(const QString& absolute, QString* error);
    static std::unique_ptr<Store> openFile(const QString& absolute, Access access, QString* error);
    Store(QString path, Access access, sqlite3* db);
    bool migrate(int fromVersion, QString* error);

    QString m_path;
    Access m_access;
    sqlite3* m_db = nullptr;
    // The per-session reads (session, events, annotations), prepared once.
    std::unique_ptr<StatementCache> m_statements;
    const Clock* m_clock = nullptr;
    std::unique_ptr<UuidV7Generator> m_ids;
};

} // namespace trailmark::store
