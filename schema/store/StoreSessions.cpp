// Store: sessions (the rest of Store is in Store.cpp).
#include "store/Clock.h"
#include "store/Serialize.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <sqlite3.h>

#include <cstdint>

namespace trailmark::store {
namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

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

} // namespace trailmark::store
