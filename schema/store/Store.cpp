// Store: opening, creating and upgrading the file (sessions, events and blobs are in
// StoreSessions.cpp, StoreEvents.cpp and StoreBlobs.cpp; annotations in StoreAnnotations.cpp).
#include "store/Store.h"

#include "store/Clock.h"
#include "store/Migrations.h"
#include "store/PrivateFiles.h"
#include "store/SqliteStatement.h"
#include "store/Uuid.h"

#include <QFile>
#include <QFileInfo>
#include <QtEndian>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <atomic>
#include <cerrno>
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
