#pragma once

#include <QList>
#include <QString>

namespace trailmark::store {

class Store;

// One thing wrong with a database, located precisely enough to act on.
struct VerifyProblem
{
    QString what;  // short category: "sqlite", "payload", "sequence", "blob", ...
    QString where; // event / session / annotation id, blob hash, or table
    QString detail;
};

struct VerifyReport
{
    qint64 sessions = 0;
    qint64 events = 0;
    qint64 annotations = 0;
    qint64 blobs = 0;
    QList<VerifyProblem> problems;
    bool isClean() const { return problems.isEmpty(); }
};

// Reads every record of a store and checks what a crash, a bug or an outside edit
// could break: SQLite's own integrity check, that every payload decodes as the message
// its row claims, gapless seq per session, references between tables (and from events to
// the blobs they refer to), blob hashes.
// Never writes.
class Verifier
{
public:
    explicit Verifier(Store& store);
    VerifyReport run();

private:
    void checkSqliteIntegrity(VerifyReport& report);
    void checkSessions(VerifyReport& report);
    void checkEvents(VerifyReport& report);
    void checkSequences(VerifyReport& report);
    void checkAnnotations(VerifyReport& report);
    void checkBlobs(VerifyReport& report);

    Store& m_store;
};

} // namespace trailmark::store
