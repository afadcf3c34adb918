#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

struct pg_conn;
struct pg_result;

namespace trailmark::team {

// One query parameter: text, or bytes sent as binary (bytea), or NULL.
struct PgParam
{
    QByteArray value;
    bool binary = false;
    bool null = false;

    static PgParam text(const QString& text) { return {text.toUtf8(), false, false}; }
    static PgParam text(std::string_view text)
    {
        return {QByteArray(text.data(), static_cast<qsizetype>(text.size())), false, false};
    }
    static PgParam number(qint64 number) { return {QByteArray::number(number), false, false}; }
    static PgParam bytes(QByteArray bytes) { return {std::move(bytes), true, false}; }
};

// A query's rows, in text form (bytea as PostgreSQL's hex text, decoded by bytes()).
class PgResult
{
public:
    explicit PgResult(pg_result* result);
    ~PgResult();
    PgResult(PgResult&& other) noexcept;
    PgResult& operator=(PgResult&&) = delete;
    PgResult(const PgResult&) = delete;

    int rows() const;
    bool isNull(int row, int column) const;
    QString text(int row, int column) const;
    qint64 number(int row, int column) const;
    bool flag(int row, int column) const;
    QByteArray bytes(int row, int column) const;

private:
    pg_result* m_result;
};

// A libpq connection. Credentials come through libpq's own means (the connection
// string, ~/.pgpass, PGSERVICE, sslmode): nothing here logs or prints the string itself,
// only its host and database.
class PgConnection
{
public:
    static std::unique_ptr<PgConnection> open(const QString& connectionString, QString* error);
    ~PgConnection();
    PgConnection(const PgConnection&) = delete;
    PgConnection& operator=(const PgConnection&) = delete;

    // Statements without results (several may be given at once).
    bool exec(const QString& sql, QString* error);
    std::optional<PgResult> query(const char* sql, const std::vector<PgParam>& params, QString* error);
    // COPY ... FROM STDIN with the rows as COPY text.
    bool copyIn(const char* sql, std::string_view rows, QString* error);

    // "host/database as role": where a message says it failed, without secrets.
    QString where() const;
    QString role() const;
    // Whether the connection still works (false after the server went away).
    bool isAlive() const;

private:
    explicit PgConnection(pg_conn* connection);
    QString lastError() const;

    pg_conn* m_connection;
};

// Appends bytes in COPY text form of a bytea (\\x and hex).
void appendCopyBytea(std::string& out, std::string_view bytes);

} // namespace trailmark::team
