#include "store/SqliteStatement.h"

#include <sqlite3.h>

#include <string>
#include <utility>

namespace trailmark::store {

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql)
    : m_db(db)
{
    m_resultCode =
        sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr);
    if (m_resultCode != SQLITE_OK) {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
}

SqliteStatement::~SqliteStatement()
{
    if (m_cache && m_stmt)
        m_cache->giveBack(m_stmt);
    else
        sqlite3_finalize(m_stmt);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr))
    , m_stmt(std::exchange(other.m_stmt, nullptr))
    , m_resultCode(other.m_resultCode)
    , m_cache(std::exchange(other.m_cache, nullptr))
{}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept
{
    if (this != &other) {
        if (m_cache && m_stmt)
            m_cache->giveBack(m_stmt);
        else
            sqlite3_finalize(m_stmt);
        m_db = std::exchange(other.m_db, nullptr);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_resultCode = other.m_resultCode;
        m_cache = std::exchange(other.m_cache, nullptr);
    }
    return *this;
}

StatementCache::~StatementCache()
{
    for (auto& [sql, statements] : m_free) {
        for (sqlite3_stmt* stmt : statements)
            sqlite3_finalize(stmt);
    }
}

SqliteStatement StatementCache::take(std::string_view sql)
{
    auto found = m_free.find(std::string(sql));
    if (found == m_free.end() || found->second.empty()) {
        SqliteStatement fresh(m_db, sql);
        if (fresh.isValid())
            fresh.m_cache = this;
        return fresh;
    }
    SqliteStatement reused;
    reused.m_db = m_db;
    reused.m_stmt = found->second.back();
    reused.m_cache = this;
    found->second.pop_back();
    return reused;
}

void StatementCache::giveBack(sqlite3_stmt* stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    m_free[sqlite3_sql(stmt)].push_back(stmt);
}

QString SqliteStatement::errorMessage() const
{
    if (m_db == nullptr)
        return QStringLiteral("no database connection");
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

void SqliteStatement::bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
}

void SqliteStatement::bind(int index, const QByteArray& blob)
{
    bindBlob(index, blob.constData(), static_cast<int>(blob.size()));
}

void SqliteStatement::bindText(int index, const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), static_cast<int>(utf8.size()), SQLITE_TRANSIENT);
}

void SqliteStatement::bindBlob(int index, const void* data, int size)
{
    // A zero-length blob must still be a BLOB, not NULL: SQLite binds NULL for a null
    // pointer, so point at a static byte when empty.
    static const char empty = 0;
    sqlite3_bind_blob(m_stmt, index, size > 0 ? data : &empty, size, SQLITE_TRANSIENT);
}

void SqliteStatement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
}

bool SqliteStatement::step()
{
    if (m_stmt == nullptr)
        return false;
    m_resultCode = sqlite3_step(m_stmt);
    return m_resultCode == SQLITE_ROW;
}

bool SqliteStatement::exec()
{
    while (step()) {
    }
    const bool ok = m_resultCode == SQLITE_DONE;
    reset();
    return ok;
}

void SqliteStatement::reset()
{
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t SqliteStatement::columnInt(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

QByteArray SqliteStatement::columnBlob(int column) const
{
    const std::string_view bytes = columnBytes(column);
    return QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

QString SqliteStatement::columnText(int column) const
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, column));
    return QString::fromUtf8(text, sqlite3_column_bytes(m_stmt, column));
}

std::string_view SqliteStatement::columnBytes(int column) const
{
    const void* data = sqlite3_column_blob(m_stmt, column);
    const int size = sqlite3_column_bytes(m_stmt, column);
    return data ? std::string_view(static_cast<const char*>(data), static_cast<size_t>(size)) : std::string_view();
}

bool SqliteStatement::columnIsNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

bool sqliteExec(sqlite3* db, std::string_view sql, QString* error)
{
    char* message = nullptr;
    const std::string statement(sql);
    if (sqlite3_exec(db, statement.c_str(), nullptr, nullptr, &message) == SQLITE_OK)
        return true;
    if (error)
        *error = QString::fromUtf8(message ? message : sqlite3_errmsg(db));
    sqlite3_free(message);
    return false;
}

} // namespace trailmark::store
