#include "team/PgConnection.h"

#include <libpq-fe.h>
#include <utility>

namespace trailmark::team {

PgResult::PgResult(pg_result* result)
    : m_result(result)
{}

PgResult::~PgResult()
{
    if (m_result)
        PQclear(m_result);
}

PgResult::PgResult(PgResult&& other) noexcept
    : m_result(std::exchange(other.m_result, nullptr))
{}

int PgResult::rows() const
{
    return PQntuples(m_result);
}

bool PgResult::isNull(int row, int column) const
{
    return PQgetisnull(m_result, row, column) == 1;
}

QString PgResult::text(int row, int column) const
{
    return QString::fromUtf8(PQgetvalue(m_result, row, column), PQgetlength(m_result, row, column));
}

qint64 PgResult::number(int row, int column) const
{
    return QByteArray(PQgetvalue(m_result, row, column), PQgetlength(m_result, row, column)).toLongLong();
}

bool PgResult::flag(int row, int column) const
{
    return PQgetvalue(m_result, row, column)[0] == 't';
}

QByteArray PgResult::bytes(int row, int column) const
{
    size_t length = 0;
    unsigned char* raw =
        PQunescapeBytea(reinterpret_cast<const unsigned char*>(PQgetvalue(m_result, row, column)), &length);
    if (!raw)
        return {};
    QByteArray bytes(reinterpret_cast<const char*>(raw), static_cast<qsizetype>(length));
    PQfreemem(raw);
    return bytes;
}

std::unique_ptr<PgConnection> PgConnection::open(const QString& connectionString, QString* error)
{
    pg_conn* connection = PQconnectdb(connectionString.toUtf8().constData());
    if (!connection) {
        *error = QStringLiteral("out of memory connecting to the team store");
        return nullptr;
    }
    if (PQstatus(connection) != CONNECTION_OK) {
        // libpq's message names host and port, never the password.
        *error = QStringLiteral("cannot connect to the team store: %1")
                     .arg(QString::fromUtf8(PQerrorMessage(connection)).trimmed());
        PQfinish(connection);
        return nullptr;
    }
    auto opened = std::unique_ptr<PgConnection>(new PgConnection(connection));
    // Messages in English whatever the server's locale; no notices on stderr.
    PQsetNoticeProcessor(
        connection, [](void*, const char*) {}, nullptr);
    return opened;
}

PgConnection::PgConnection(pg_conn* connection)
    : m_connection(connection)
{}

PgConnection::~PgConnection()
{
    PQfinish(m_connection);
}

QString PgConnection::lastError() const
{
    return QString::fromUtf8(PQerrorMessage(m_connection)).trimmed();
}

bool PgConnection::exec(const QString& sql, QString* error)
{
    pg_result* raw = PQexec(m_connection, sql.toUtf8().constData());
    const PgResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        *error = lastError();
        return false;
    }
    return true;
}

std::optional<PgResult> PgConnection::query(const char* sql, const std::vector<PgParam>& params, QString* error)
{
    std::vector<const char*> values;
    std::vector<int> lengths;
    std::vector<int> formats;
    for (const PgParam& param : params) {
        values.push_back(param.null ? nullptr : param.value.constData());
        lengths.push_back(static_cast<int>(param.value.size()));
        formats.push_back(param.binary ? 1 : 0);
    }
    pg_result* raw = PQexecParams(m_connection, sql, static_cast<int>(params.size()), nullptr, values.data(),
                                  lengths.data(), formats.data(), 0);
    PgResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        *error = lastError();
        return std::nullopt;
    }
    return result;
}

bool PgConnection::copyIn(const char* sql, std::string_view rows, QString* error)
{
    {
        pg_result* raw = PQexec(m_connection, sql);
        const PgResult started(raw);
        if (PQresultStatus(raw) != PGRES_COPY_IN) {
            *error = lastError();
            return false;
        }
    }
    if (PQputCopyData(m_connection, rows.data(), static_cast<int>(rows.size())) != 1 ||
        PQputCopyEnd(m_connection, nullptr) != 1) {
        *error = lastError();
        return false;
    }
    bool ok = true;
    while (pg_result* raw = PQgetResult(m_connection)) {
        const PgResult result(raw);
        if (PQresultStatus(raw) != PGRES_COMMAND_OK && ok) {
            *error = lastError();
            ok = false;
        }
    }
    return ok;
}

QString PgConnection::where() const
{
    const QString host = QString::fromUtf8(PQhost(m_connection));
    return QStringLiteral("%1/%2").arg(host, QString::fromUtf8(PQdb(m_connection)));
}

QString PgConnection::role() const
{
    return QString::fromUtf8(PQuser(m_connection));
}

bool PgConnection::isAlive() const
{
    return PQstatus(m_connection) == CONNECTION_OK;
}

void appendCopyBytea(std::string& out, std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\\\x";
    const size_t at = out.size();
    out.resize(at + bytes.size() * 2);
    char* p = out.data() + at;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        *p++ = kHex[byte >> 4];
        *p++ = kHex[byte & 0xF];
    }
}

} // namespace trailmark::team
