#pragma once

#include "capture/SessionSink.h"
#include "capture/import/HistoryImporter.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace trailmark::store {
class EventWriter;
class ImportLedger;
} // namespace trailmark::store

namespace trailmark::capture {

// A session that imported commands go to: created by this import or an earlier one.
struct OpenSession
{
    QString id;
    qint64 row = 0;
    std::unique_ptr<SessionSink> sink;
    bool created = false;
    qint64 firstNs = std::numeric_limits<qint64>::max();
    qint64 lastNs = std::numeric_limits<qint64>::min();
    qint64 commands = 0;
    QByteArray atuinSession; // for the generated task
    QString host;
    std::string idText; // id and host as the events carry them, converted once
    std::string hostText;
};

// The import's split into sessions: one per atuin shell session; zsh and bash histories
// split where the pause since the previous command exceeds the idle gap. A session an
// earlier import made is continued (found through the ledger), unless it was deleted.
class ImportSessions
{
public:
    ImportSessions(store::Store& store, store::EventWriter& writer, store::ImportLedger& ledger,
                   const Redactor& redactor, const ImportOptions& options, QString path, QByteArray formatName);

    // The session the command starting at startNs goes to; null (and *error) on a store
    // failure.
    OpenSession* sessionFor(const ImportedCommand& command, qint64 startNs, QString* error);
    // The previous command (stored now, or found from an earlier import) went to the
    // session at row and ended at endNs: a zsh or bash command soon after continues it.
    void follow(qint64 row, qint64 endNs)
    {
        m_previousRow = row;
        m_previousEndNs = endNs;
    }
    // Every session that got commands gets its final times, state and (when new and no
    // task was given) a generated task; counted and listed in *summary.
    bool finish(ImportSummary* summary, QString* error);

private:
    OpenSession* atuinSession(const ImportedCommand& command, qint64 startNs, QString* error);
    bool openExisting(qint64 row, OpenSession** session, QString* error);
    OpenSession* create(qint64 startNs, const ImportedCommand& command, QString* error);
    OpenSession* adopt(qint64 row, std::unique_ptr<OpenSession> session);
    QString generatedTask(const OpenSession& session) const;

    store::Store& m_store;
    store::EventWriter& m_writer;
    store::ImportLedger& m_ledger;
    const Redactor& m_redactor;
    const ImportOptions& m_options;
    QString m_path;
    QByteArray m_formatName;
    QString m_localHost;
    QString m_localUser;
    std::unordered_map<qint64, std::unique_ptr<OpenSession>> m_sessions; // by sessions.rowid
    std::vector<OpenSession*> m_order;
    QHash<QByteArray, OpenSession*> m_atuinSessions;
    std::optional<qint64> m_previousRow;
    qint64 m_previousEndNs = 0;
};

} // namespace trailmark::capture
