#pragma once

#include "capture/import/HistoryImporter.h"
#include "capture/import/ImportSessions.h"
#include "store/EventWriter.h"
#include "store/ImportLedger.h"
#include "trailmark/v1/event.pb.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <string>
#include <vector>

namespace trailmark::capture {

// One import of one file. Each command the reader hands over (onCommand) is timed
// (untimed lines wait for a time), redacted and keyed, looked up in the ledger (a
// command imported before is skipped), given its session (ImportSessions) and stored
// with its key; finish() closes the sessions and makes the last commit.
class ImportRun
{
public:
    ImportRun(store::Store& store, const Redactor& redactor, const ImportOptions& options, QString path);

    bool prepared(QString* error) const { return m_ledger.isReady(error); }
    bool onCommand(const ImportedCommand& command, QString* error);
    // Final figures of every session that got commands, then the last commit.
    bool finish(QString* error);

    ImportSummary summary;

private:
    bool flushUntimed(QString* error);
    bool store(const ImportedCommand& command, QString* error);
    // The ledger's key of a command: atuin's record id, else the file, time, redacted
    // text and occurrence.
    qint64 hashOf(const ImportedCommand& command, const std::string& redactedCommand);
    // The command's events, through its session's sink (and so the Redactor).
    bool record(OpenSession& session, const ImportedCommand& command, v1::Event& started, qint64 endNs,
                const QByteArray& commandId, QString* error);

    store::EventWriter m_writer;
    const Redactor& m_redactor;
    const ImportOptions& m_options;
    QString m_path;
    QByteArray m_formatName;
    std::string m_shellName;
    store::ImportLedger m_ledger;
    ImportSessions m_sessions;
    QHash<qint64, qint64> m_occurrences;
    qint64 m_lastKnownNs = 0; // file mtime until a timed command is seen
    bool m_knowsTime = false;
    std::vector<ImportedCommand> m_untimed;
    qint64 m_sinceCommit = 0;
};

} // namespace trailmark::capture
