#pragma once

#include <QByteArray>
#include <QString>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace trailmark::store {

class StatementCache;

// A prepared statement that finalizes itself. Thin on purpose: it adds RAII and Qt
// types, nothing else, so the SQL stays readable at the call site.
// Note: bind() indexes are 1-based, column() indexes are 0-based (SQLite's rule).
class SqliteStatement
{
public:
    SqliteStatement() = default;
    SqliteStatement(sqlite3* db, std::string_view sql);
    ~SqliteStatement();
    SqliteStatement(SqliteStatement&& other) noexcept;
    SqliteStatement& operator=(SqliteStatement&& other) noexcept;
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    bool isValid() const { return m_stmt != nullptr; }
    // SQLite result code of the last prepare/step (SQLITE_OK, SQLITE_ROW, ...).
    int resultCode() const { return m_resultCode; }
    QString errorMessage() const;

    void bind(int index, std::int64_t value);
    void bind(int index, const QByteArray& blob);         // bound as BLOB
    void bindText(int index, const QString& text);        // bound as TEXT (UTF-8)
    void bindBlob(int index, const void* data, int size); // copied by SQLite
    void bindNull(int index);

    // Steps once: true while a row is available. After false, resultCode() tells
    // SQLITE_DONE (finished) from an error.
    bool step();
    // Steps to completion of a statement that returns no rows; false on error.
    bool exec();
    void reset();

    std::int64_t columnInt(int column) const;
    QByteArray columnBlob(int column) const;
    QString columnText(int column) const;
    // Pointer/size into SQLite's buffer, valid until the next step/reset.
    std::string_view columnBytes(int column) const;
    bool columnIsNull(int column) const;

private:
    friend class StatementCache;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_stmt = nullptr;
    int m_resultCode = 0;
    StatementCache* m_cache = nullptr; // set: handed back there, not finalized
};

// Prepared statements kept for reuse, for queries a caller runs once per session over
// thousands of sessions (`trailmark stats`, exports): preparing costs more than running
// them. A statement taken is handed back, reset and unbound, when it goes out of scope;
// two taken at once are two statements. Must outlive the statements it hands out.
class StatementCache
{
public:
    explicit StatementCache(sqlite3* db)
        : m_db(db)
    {}
    ~StatementCache();
    StatementCache(const StatementCache&) = delete;
    StatementCache& operator=(const StatementCache&) = delete;

    SqliteStatement take(std::string_view sql);

private:
    friend class SqliteStatement;
    void giveBack(sqlite3_stmt* stmt);

    sqlite3* m_db;
    std::unordered_map<std::string, std::vector<sqlite3_stmt*>> m_free; // by SQL text
};

// Runs one or more statements that return no rows.
bool sqliteExec(sqlite3* db, std::string_view sql, QString* error);

} // namespace trailmark::store
