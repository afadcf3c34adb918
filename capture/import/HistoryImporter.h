#pragma once

#include "capture/import/ImportedCommand.h"

#include <QString>
#include <QStringList>

#include <optional>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

class Redactor;

enum class HistoryFormat
{
    Atuin,
    ZshHistory,
    BashHistory,
};

// "atuin", "zsh-history", "bash-history" (as on the command line).
QString historyFormatName(HistoryFormat format);
std::optional<HistoryFormat> historyFormatFromName(const QString& name);

struct ImportOptions
{
    HistoryFormat format = HistoryFormat::ZshHistory;
    QString path;
    // Task of the new sessions; empty: a description generated from the file and times.
    QString task;
    // zsh and bash: a pause longer than this between two commands starts a new session.
    qint64 idleGapNs = 30LL * 60 * 1'000'000'000;
    // Commands per write transaction.
    qint64 commandsPerBatch = 20'000;
};

struct ImportSummary
{
    qint64 commands = 0;        // imported now
    qint64 alreadyImported = 0; // found from an earlier import, not added again
    qint64 optedOut = 0;        // typed with a leading space (Redactor::isOptedOut): not imported
    qint64 problems = 0;        // reported and skipped
    qint64 deleted = 0;         // atuin rows the user deleted
    qint64 redactions = 0;      // secrets replaced in the imported commands
    qint64 sessionsCreated = 0;
    qint64 sessionsContinued = 0; // earlier imported sessions that got newer commands
    QStringList sessionIds;       // created and continued, in order of first use
};

// Imports a shell history file into the store: each command becomes a CommandStarted
// and (unless the history says it never ended) a CommandFinished event, through a
// SessionSink with the Redactor, so nothing unredacted is stored.
//
// Sessions: one per atuin shell session; zsh and bash histories are split where the
// pause between commands exceeds the idle gap. Sessions have platform
// "import:<format>" and source "<format>:<absolute path>".
//
// Re-importing adds nothing: every imported record's key (its time and a 64-bit hash
// of its identity; for zsh/bash, of its redacted text: see Migrations.h step 2) is
// stored in the table `imported` in the same transaction as its events, and records
// whose key is there are skipped. A grown file (zsh and bash append; atuin inserts)
// imports only the new commands, continuing the session the previous command went to
// when the pause is short (or it is the same atuin session).
class HistoryImporter
{
public:
    HistoryImporter(store::Store& store, const Redactor& redactor);
    // nullopt and *error when the file cannot be read or the store fails; bad records
    // are passed to onProblem and skipped. What was committed before a failure stays
    // (every command is committed together with its key), so running again resumes.
    std::optional<ImportSummary> run(const ImportOptions& options, const ProblemVisitor& onProblem, QString* error);

private:
    store::Store& m_store;
    const Redactor& m_redactor;
};

} // namespace trailmark::capture
