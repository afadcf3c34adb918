#pragma once

#include <QList>
#include <QString>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::test {

// One command of a labelled session and what the reviewer said about it.
struct LabelledCommand
{
    QString startedEventId; // the CommandStarted event: where the step is found again
    QString command;
    QString expectedOutcome; // "ok", "error", "no-result", "stopped", "interrupted"
    QString name;            // the label other commands' retries point at
    QString retries;         // the label of the attempt this one retries, or empty
    int line = 0;
};

struct LabelledSession
{
    QString file;
    QString sessionId;
    QList<LabelledCommand> commands;
};

// Reads a session of tests/fixtures/fidelity (the format is in its README.md) and writes
// its events through the store's EventWriter. False with *error on a malformed file.
bool writeLabelledSession(store::Store& store, const QString& path, LabelledSession* session, QString* error);

} // namespace trailmark::test
