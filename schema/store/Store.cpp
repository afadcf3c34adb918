#include "store/Store.h"

#include "store/Clock.h"
#include "store/EventFields.h"
#include "store/Migrations.h"
#include "store/PrivateFiles.h"
#include "store/Serialize.h"
#include "store/SqliteStatement.h"
#include "store/Uuid.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QtEndian>

#include <google/protobuf/io/coded_stream.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <unistd.h>

namespace trailmark::store {

static_assert(Store::kSchemaVersion == migrations::kLatestVersion, "add a migration step with the new version");

namespace {

constexpr char kSqliteMagic[] = "SQLite format 3";
constexpr qint64 kWalHeaderBytes = 32; // a log of this size holds no frames

// Reads the 100-byte SQLite header ourselves before SQLite opens the file, so a file
// that is not SQLite or was cut short gets a message a person can act on rather than
// "file is not a database" on the first query.
bool checkFileHeader(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    const qint64 fileSize = file.size();
    if (fileSize == 0)
        return true; // a new, empty database
    const QByteArray header = file.read(100);
    if (header.size() < 16 || !header.startsWith(QByteArray::fromRawData(kSqliteMagic, sizeof kSqliteMagic))) {
        *error = QStringLiteral("%1 is not a Trailmark database: it is not an SQLite file").arg(path);
        return false;
    }
    if (header.size() < 100) {
        *error = QStringLiteral("%1 is truncated: only %2 bytes, less than an SQLite header").arg(path).arg(fileSize);
        return false;
    }
    const auto* bytes = reinterpret_cast<const uchar*>(header.constData());
    qint64 pageSize = qFromBigEndian<quint16>(bytes + 16);
    if (pageSize == 1)
        pageSize = 65536;
    const quint32 pageCount = qFromBigEndian<quint32>(bytes + 28);
    const quint32 changeCounter = qFromBigEndian<quint32>(bytes + 24);
    const quint32 validFor = qFromBigEndian<quint32>(bytes + 92);
    // The page count in the header is only authoritative when it was written by the
    // same transaction as the change counter (SQLite file format, section 1.3.7), and
    // when no write-ahead log holds pages yet to be copied back: a checkpoint writes
    // pages in page order, so a process killed in the middle of one leaves page 1 (with
    // the new size) in a file that is still short. SQLite redoes that checkpoint from the
    // log on the next open; `trailmark verify` checks the pages themselves.
    const bool logHoldsFrames = QFileInfo(path + QStringLiteral("-wal")).size() > kWalHeaderBytes;
    if (pageCount != 0 && changeCounter == validFor && !logHoldsFrames && fileSize < pageSize * pageCount) {
        *error = QStringLiteral("%1 is truncated: the header says %2 bytes, the file has %3")
                     .arg(path)
                     .arg(pageSize * pageCount)
                     .arg(fileSize);
        return false;
    }
    return true;
}

std::optional<qint64> pragmaInt(sqlite3* db, const char* pragma)
{
    SqliteStatement statement(db, pragma);
    if (!statement.step())
        return std::nullopt;
    return statement.columnInt(0);
}

QString describeSqlite(sqlite3* db)
{
    const int code = sqlite3_extended_errcode(db);
    if ((code & 0xFF) == SQLITE_NOTADB)
        return QStringLiteral("it is not an SQLite database or it is encrypted");
    if ((code & 0xFF) == SQLITE_CORRUPT)
        return QStringLiteral("the file is damaged (%1); run `trailmark verify`")
            .arg(QString::fromUtf8(sqlite3_errmsg(db)));
    return QString::fromUtf8(sqlite3_errmsg(db));
}

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

std::unique_ptr<Store> Store::open(const QString& path, Access access, QString* error)
{
    // SQLite's memory statistics take a global mutex on every allocation; we never read
    // them. Must be set before SQLite initialises; harmless (ignored) afterwards.
    static const bool configured = [] {
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        return true;
    }();
    Q_UNUSED(configured);
    QString localError;
    QString& message = error ? *error : localError;
    const QString absolute = QFileInfo(path).absoluteFilePath();
    if (access == Access::ReadWrite && !QFileInfo::exists(absolute) && !create(absolute, &message))
        return nullptr;
    return openFile(absolute, access, &message);
}

bool Store::create(const QString& absolute, QString* error)
{
    // Made and migrated under another name, then linked into place: a process killed
    // while creating the database leaves no file or a whole one, never an empty file
    // that readers would take for an old schema. When another process got there first,
    // its file is kept and ours dropped (link, unlike rename, never replaces).
    static std::atomic<int> attempts{0};
    const QString made = QStringLiteral("%1.new-%2-%3").arg(absolute).arg(::getpid()).arg(++attempts);
    const QByteArray madeName = QFile::encodeName(made);
    const auto dropMade = [&made] {
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(made + suffix);
    };
    dropMade();
    if (!openFile(made, Access::ReadWrite, error)) { // closed at once: the WAL is folded in
        dropMade();
        return false;
    }
    const QByteArray finalName = QFile::encodeName(absolute);
    int linked = ::link(madeName.constData(), finalName.constData());
    if (linked != 0 && errno != EEXIST) // a file system without hard links
        linked = ::rename(madeName.constData(), finalName.constData());
    const int failure = linked == 0 || errno == EEXIST ? 0 : errno;
    dropMade();
    if (failure != 0) {
        *error = QStringLiteral("cannot create %1: %2").arg(absolute, QString::fromLocal8Bit(std::strerror(failure)));
        return false;
    }
    return true;
}

std::unique_ptr<Store> Store::openFile(const QString& absolute, Access access, QString* error)
{
    QString& message = *error;
    if (access == Access::ReadOnly && !QFileInfo::exists(absolute)) {
        message = QStringLiteral("no Trailmark database at %1").arg(absolute);
        return nullptr;
    }
    if (access == Access::ReadWrite && !privatefiles::ensureFile(absolute, &message))
        return nullptr;
    if (!checkFileHeader(absolute, &message))
        return nullptr;

    sqlite3* db = nullptr;
    const int flags = (access == Access::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    if (sqlite3_open_v2(QFile::encodeName(absolute).constData(), &db, flags, nullptr) != SQLITE_OK) {
        message = QStringLiteral("cannot open %1: %2").arg(absolute, describeSqlite(db));
        sqlite3_close_v2(db);
        return nullptr;
    }
    std::unique_ptr<Store> store(new Store(absolute, access, db));
    sqlite3_busy_timeout(db, 5000);
    sqlite3_extended_result_codes(db, 1);

    const auto applicationId = pragmaInt(db, "PRAGMA application_id");
    const auto version = pragmaInt(db, "PRAGMA user_version");
    const auto tableCount = pragmaInt(db, "SELECT count(*) FROM sqlite_schema");
    if (!applicationId || !version || !tableCount) {
        message = QStringLiteral("cannot read %1: %2").arg(absolute, describeSqlite(db));
        return nullptr;
    }
    const bool isEmpty = *applicationId == 0 && *version == 0 && *tableCount == 0;
    if (!isEmpty && *applicationId != kApplicationId) {
        message = QStringLiteral("%1 is an SQLite database but not a Trailmark one (application_id %2)")
                      .arg(absolute)
                      .arg(*applicationId);
        return nullptr;
    }
    if (*version > kSchemaVersion) {
        message = QStringLiteral("%1 was written by a newer Trailmark (schema version %2); this Trailmark reads "
                                 "schema versions up to %3. Upgrade Trailmark to open it; the file was not changed.")
                      .arg(absolute)
                      .arg(*version)
                      .arg(kSchemaVersion);
        return nullptr;
    }

    if (access == Access::ReadOnly) {
        if (*version < kSchemaVersion) {
            message = QStringLiteral("%1 has schema version %2 from an older Trailmark; open it once for writing "
                                     "(e.g. `trailmark sessions`) to upgrade it to version %3")
                          .arg(absolute)
                          .arg(*version)
                          .arg(kSchemaVersion);
            return nullptr;
        }
        return store;
    }

    // WAL: readers (GUI, CLI) never block the recorder, and a crash loses at most the
    // transaction in flight. NORMAL sync is durable across application crashes.
    if (!sqliteExec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;", &message)) {
        message = QStringLiteral("cannot prepare %1 for writing: %2").arg(absolute, message);
        return nullptr;
    }
    // TRAILMARK_MAX_PAGE_COUNT caps the file (in pages of 4 KiB) so tests can fill the
    // "disk" without a tmpfs: writes beyond it fail with SQLITE_FULL like a full disk.
    const QByteArray maxPages = qgetenv("TRAILMARK_MAX_PAGE_COUNT");
    if (!maxPages.isEmpty() &&
        !sqliteExec(db, QByteArray("PRAGMA max_page_count=" + QByteArray::number(maxPages.toLongLong())).constData(),
                    &message)) {
        message = QStringLiteral("cannot limit %1: %2").arg(absolute, message);
        return nullptr;
    }
    if (*version < kSchemaVersion && !store->migrate(static_cast<int>(*version), &message))
        return nullptr;
    return store;
}

Store::Store(QString path, Access access, sqlite3* db)
    : m_path(std::move(path))
    , m_access(access)
    , m_db(db)
    , m_statements(std::make_unique<StatementCache>(db))
    , m_clock(&Clock::system())
    , m_ids(std::make_unique<UuidV7Generator>())
{}

Store::~Store()
{
    m_statements.reset(); // finalized before the connection closes
    sqlite3_close_v2(m_db);
}

const Clock& Store::clock() const
{
    return *m_clock;
}

void Store::setClock(const Clock* clock)
{
    m_clock = clock ? clock : &Clock::system();
}

QByteArray Store::newId()
{
    return m_ids->next(m_clock->nowNs() / 1'000'000);
}

QString Store::lastError(const QString& doing) const
{
    return QStringLiteral("%1: %2: %3").arg(m_path, doing, describeSqlite(m_db));
}

bool Store::migrate(int fromVersion, QString* error)
{
    if (!sqliteExec(m_db, "BEGIN IMMEDIATE", error)) {
        *error = lastError(QStringLiteral("cannot start the schema upgrade"));
        return false;
    }
    // Another process may have migrated between our check and the lock.
    const int current = static_cast<int>(pragmaInt(m_db, "PRAGMA user_version").value_or(fromVersion));
    for (int version = current + 1; version <= kSchemaVersion; ++version) {
        QString stepError;
        if (!sqliteExec(m_db, migrations::kSteps[version - 1], &stepError)) {
            *error =
                QStringLiteral("%1: upgrading to schema version %2 failed: %3").arg(m_path).arg(version).arg(stepError);
            sqliteExec(m_db, "ROLLBACK", nullptr);
            return false;
        }
        // A new file (made aside under a temporary name) is not news; an upgrade is.
        if (current > 0)
            spdlog::info("{}: schema upgraded to version {}", m_path.toStdString(), version);
    }
    const std::string stamp = "PRAGMA user_version=" + std::to_string(kSchemaVersion) +
                              "; PRAGMA application_id=" + std::to_string(kApplicationId) + "; COMMIT";
    if (!sqliteExec(m_db, stamp, error)) {
        *error = lastError(QStringLiteral("cannot finish the schema upgrade"));
        sqliteExec(m_db, "ROLLBACK", nullptr);
        return false;
    }
    return true;
}

bool Store::createSession(v1::Session& session, QString* error)
{
    if (session.id().empty())
        session.set_id(uuid::toText(newId()).toStdString());
    if (session.started_ns() == 0)
        session.set_started_ns(m_clock->nowNs());
    if (session.state() == v1::Session::STATE_UNSPECIFIED)
        session.set_state(v1::Session::STATE_RECORDING);
    const QByteArray key = uuid::fromText(fromStd(session.id()));
    if (key.isEmpty()) {
        *error = QStringLiteral("session id %1 is not a UUID").arg(fromStd(session.id()));
        return false;
    }
    SqliteStatement insert(m_db, "INSERT INTO sessions(id, started_ns, ended_ns, state, payload) VALUES(?,?,?,?,?)");
    insert.bind(1, key);
    insert.bind(2, session.started_ns());
    insert.bind(3, session.ended_ns());
    insert.bind(4, static_cast<std::int64_t>(session.state()));
    insert.bind(5, serialize(session));
    if (!insert.exec()) {
        *error = lastError(QStringLiteral("cannot create session"));
        return false;
    }
    return true;
}

bool Store::updateSession(const v1::Session& session, QString* error)
{
    SqliteStatement update(m_db, "UPDATE sessions SET started_ns=?, ended_ns=?, state=?, payload=? WHERE id=?");
    update.bind(1, session.started_ns());
    update.bind(2, session.ended_ns());
    update.bind(3, static_cast<std::int64_t>(session.state()));
    update.bind(4, serialize(session));
    update.bind(5, uuid::fromText(fromStd(session.id())));
    if (!update.exec()) {
        *error = lastError(QStringLiteral("cannot update session"));
        return false;
    }
    if (sqlite3_changes(m_db) == 0) {
        *error = QStringLiteral("%1: no session %2").arg(m_path, fromStd(session.id()));
        return false;
    }
    return true;
}

std::optional<v1::Session> Store::session(const QString& id, QString* error)
{
    SqliteStatement select = m_statements->take("SELECT payload FROM sessions WHERE id=?");
    select.bind(1, uuid::fromText(id));
    if (!select.step()) {
        *error = select.resultCode() == SQLITE_DONE ? QStringLiteral("no session %1 in %2").arg(id, m_path)
                                                    : lastError(QStringLiteral("cannot read session %1").arg(id));
        return std::nullopt;
    }
    v1::Session session;
    const std::string_view payload = select.columnBytes(0);
    if (!session.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        *error = QStringLiteral("%1: the record of session %2 is damaged (not a trailmark.v1.Session)").arg(m_path, id);
        return std::nullopt;
    }
    session.set_id(id.toStdString());
    return session;
}

std::optional<QList<SessionSummary>> Store::sessionSummaries(QString* error)
{
    // Event count is max(seq)+1 because seq is gapless: an index lookup, not a scan.
    SqliteStatement select(m_db, R"sql(
        SELECT s.id, s.payload,
               (SELECT e.seq + 1 FROM events e WHERE e.session = s.rowid ORDER BY e.seq DESC LIMIT 1),
               (SELECT e.time_ns FROM events e WHERE e.session = s.rowid ORDER BY e.seq DESC LIMIT 1)
        FROM sessions s ORDER BY s.started_ns DESC, s.rowid DESC)sql");
    QList<SessionSummary> summaries;
    while (select.step()) {
        SessionSummary summary;
        const std::string_view payload = select.columnBytes(1);
        if (!summary.session.ParseFromArray(payload.data(), static_cast<int>(payload.size())))
            summary.decodeError = QStringLiteral("session record is damaged");
        summary.session.set_id(uuid::toText(select.columnBlob(0)).toStdString());
        summary.eventCount = select.columnInt(2);
        summary.lastEventNs = select.columnInt(3);
        summaries.append(std::move(summary));
    }
    if (select.resultCode() != SQLITE_DONE) {
        *error = lastError(QStringLiteral("cannot list sessions"));
        return std::nullopt;
    }
    return summaries;
}

std::optional<QString> Store::resolveSessionId(const QString& idOrPrefix, QString* error)
{
    const QString wanted = idOrPrefix.trimmed().toLower();
    if (wanted.size() == 36 && !uuid::fromText(wanted).isEmpty())
        return wanted;
    if (wanted.size() < 4) {
        *error = QStringLiteral("session id '%1' is too short: give at least 4 characters").arg(idOrPrefix);
        return std::nullopt;
    }
    // Ids are stored as blobs; a hex prefix of the text form (dashes removed) is a
    // prefix of hex(id).
    QString hexPrefix = wanted;
    hexPrefix.remove(QLatin1Char('-'));
    SqliteStatement select(m_db, "SELECT id FROM sessions WHERE hex(id) LIKE ? LIMIT 2");
    select.bindText(1, hexPrefix.toUpper() + QLatin1Char('%'));
    QStringList matches;
    while (select.step())
        matches.append(uuid::toText(select.columnBlob(0)));
    if (matches.size() == 1)
        return matches.first();
    *error = matches.isEmpty() ? QStringLiteral("no session matches '%1' in %2").arg(idOrPrefix, m_path)
                               : QStringLiteral("session id '%1' is ambiguous: give more characters").arg(idOrPrefix);
    return std::nullopt;
}

std::optional<qint64> Store::sessionRow(const QByteArray& sessionKey, QString* error)
{
    SqliteStatement select = m_statements->take("SELECT rowid FROM sessions WHERE id=?");
    select.bind(1, sessionKey);
    if (select.step())
        return select.columnInt(0);
    *error = select.resultCode() == SQLITE_DONE
                 ? QStringLiteral("no session %1 in %2").arg(uuid::toText(sessionKey), m_path)
                 : lastError(QStringLiteral("cannot look up session"));
    return std::nullopt;
}

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

std::optional<QByteArray> Store::putBlob(const QByteArray& bytes, const QString& mime, QString* error)
{
    const QByteArray sha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    SqliteStatement insert(m_db, "INSERT OR IGNORE INTO blobs(sha256, mime, size, bytes) VALUES(?,?,?,?)");
    insert.bind(1, sha256);
    insert.bindText(2, mime);
    insert.bind(3, static_cast<std::int64_t>(bytes.size()));
    insert.bind(4, bytes);
    if (!insert.exec()) {
        *error = lastError(QStringLiteral("cannot store blob"));
        return std::nullopt;
    }
    return sha256;
}

std::optional<QByteArray> Store::blob(const QByteArray& sha256, QString* error)
{
    SqliteStatement select(m_db, "SELECT bytes FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    if (select.step())
        return select.columnBlob(0);
    *error = select.resultCode() == SQLITE_DONE
                 ? QStringLiteral("%1: no blob %2").arg(m_path, QString::fromLatin1(sha256.toHex()))
                 : lastError(QStringLiteral("cannot read blob"));
    return std::nullopt;
}

std::optional<QString> Store::blobMime(const QByteArray& sha256, QString* error)
{
    SqliteStatement select(m_db, "SELECT mime FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    if (select.step())
        return select.columnText(0);
    *error = select.resultCode() == SQLITE_DONE
                 ? QStringLiteral("%1: no blob %2").arg(m_path, QString::fromLatin1(sha256.toHex()))
                 : lastError(QStringLiteral("cannot read blob"));
    return std::nullopt;
}

bool Store::hasBlob(const QByteArray& sha256)
{
    SqliteStatement select(m_db, "SELECT 1 FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    return select.step();
}

std::optional<qint64> Store::ingestPosition(const QString& source, QString* error)
{
    SqliteStatement select(m_db, "SELECT position FROM ingest WHERE source=?");
    select.bindText(1, source);
    if (select.step())
        return select.columnInt(0);
    if (select.resultCode() == SQLITE_DONE)
        return 0;
    *error = lastError(QStringLiteral("cannot read ingest position"));
    return std::nullopt;
}

} // namespace trailmark::store
