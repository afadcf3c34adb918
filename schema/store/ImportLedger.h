#pragma once

#include "store/SqliteStatement.h"

#include <QString>

#include <optional>

namespace trailmark::store {

class Store;

// How one imported record is known to the ledger: its start time as the history gives
// it (-1: none) and a 64-bit hash of its identity (see Migrations.h step 2).
struct ImportKey
{
    qint64 timeNs = 0;
    qint64 hash = 0;
};

// What history imports have stored: for each imported record its key and the session
// (sessions.rowid) it went to, in the table `imported`. A key is recorded on the store's
// connection, so inside the EventWriter's open batch it commits with the record's
// events, and a re-import skips exactly what was committed before.
//
//     ImportLedger ledger(store);
//     if (!ledger.isReady(&error)) ...
//     ledger.find(key, &row, &error);  ...  ledger.record(key, row, &error);
class ImportLedger
{
public:
    explicit ImportLedger(Store& store);

    // False, and why, when the ledger's statements cannot be prepared (e.g. a store
    // opened read-only on a file that predates the table).
    bool isReady(QString* error) const;
    // *sessionRow is the session the key was imported into, nullopt when never imported.
    // False only on a read error.
    bool find(const ImportKey& key, std::optional<qint64>* sessionRow, QString* error);
    // Records key as imported into sessionRow; a key recorded before is repointed (its
    // session was deleted and the record goes to a new one).
    bool record(const ImportKey& key, qint64 sessionRow, QString* error);
    // *sessionId is the id of the session at sessionRow, nullopt when that session no
    // longer exists (deleted since the earlier import). False only on a read error.
    bool sessionAt(qint64 sessionRow, std::optional<QString>* sessionId, QString* error);

private:
    Store& m_store;
    SqliteStatement m_find;
    SqliteStatement m_record;
    SqliteStatement m_sessionAt;
};

} // namespace trailmark::store
