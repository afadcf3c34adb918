#include "store/ImportLedger.h"

#include "store/Store.h"
#include "store/Uuid.h"

#include <sqlite3.h>

namespace trailmark::store {

ImportLedger::ImportLedger(Store& store)
    : m_store(store)
    , m_find(store.handle(), "SELECT session FROM imported WHERE time_ns=? AND hash=?")
    , m_record(store.handle(), "INSERT OR REPLACE INTO imported(time_ns, hash, session) VALUES(?, ?, ?)")
    , m_sessionAt(store.handle(), "SELECT id FROM sessions WHERE rowid=?")
{}

bool ImportLedger::isReady(QString* error) const
{
    for (const SqliteStatement* statement : {&m_find, &m_record, &m_sessionAt}) {
        if (!statement->isValid()) {
            *error = m_store.lastError(QStringLiteral("cannot prepare the import"));
            return false;
        }
    }
    return true;
}

bool ImportLedger::find(const ImportKey& key, std::optional<qint64>* sessionRow, QString* error)
{
    m_find.bind(1, key.timeNs);
    m_find.bind(2, key.hash);
    const bool found = m_find.step();
    if (!found && m_find.resultCode() != SQLITE_DONE) {
        *error = m_store.lastError(QStringLiteral("cannot look up imported records"));
        m_find.reset();
        return false;
    }
    *sessionRow = found ? std::optional<qint64>(m_find.columnInt(0)) : std::nullopt;
    m_find.reset();
    return true;
}

bool ImportLedger::record(const ImportKey& key, qint64 sessionRow, QString* error)
{
    m_record.bind(1, key.timeNs);
    m_record.bind(2, key.hash);
    m_record.bind(3, sessionRow);
    if (!m_record.exec()) {
        *error = m_store.lastError(QStringLiteral("cannot record an imported record"));
        return false;
    }
    return true;
}

bool ImportLedger::sessionAt(qint64 sessionRow, std::optional<QString>* sessionId, QString* error)
{
    m_sessionAt.bind(1, sessionRow);
    if (!m_sessionAt.step()) {
        const bool gone = m_sessionAt.resultCode() == SQLITE_DONE;
        if (!gone)
            *error = m_store.lastError(QStringLiteral("cannot read a session"));
        m_sessionAt.reset();
        *sessionId = std::nullopt;
        return gone;
    }
    *sessionId = uuid::toText(m_sessionAt.columnBlob(0));
    m_sessionAt.reset();
    return true;
}

} // namespace trailmark::store
