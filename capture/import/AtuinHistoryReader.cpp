#include "capture/import/AtuinHistoryReader.h"

#include "store/SqliteStatement.h"
#include "store/Utf8.h"

#include <QFile>
#include <QFileInfo>

#include <sqlite3.h>

#include <memory>

namespace trailmark::capture {
namespace {

struct DatabaseCloser
{
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};

QByteArray bytesOf(const store::SqliteStatement& statement, int column)
{
    const std::string_view view = statement.columnBytes(column);
    // No copy: the visitor gets the row's bytes and is done with them before the next step.
    return QByteArray::fromRawData(view.data(), static_cast<qsizetype>(view.size()));
}

} // namespace

bool AtuinHistoryReader::read(const QString& path, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                              qint64* deletedRows, QString* error)
{
    *deletedRows = 0;
    if (!QFileInfo(path).isFile()) {
        *error = QStringLiteral("no atuin database at %1").arg(path);
        return false;
    }
    sqlite3* raw = nullptr;
    const int status =
        sqlite3_open_v2(QFile::encodeName(path).constData(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, DatabaseCloser> db(raw);
    if (status != SQLITE_OK) {
        *error = QStringLiteral("cannot open %1: %2").arg(path, QString::fromUtf8(sqlite3_errmsg(raw)));
        return false;
    }
    sqlite3_busy_timeout(raw, 5000);
    // atuin added deleted_at in 2023 (v14); older databases have no deletions.
    bool hasDeletedAt = false;
    {
        store::SqliteStatement columns(raw, "SELECT 1 FROM pragma_table_info('history') WHERE name='deleted_at'");
        hasDeletedAt = columns.step();
    }
    const std::string sql =
        std::string("SELECT rowid, id, timestamp, duration, exit, command, cwd, session, hostname, ") +
        (hasDeletedAt ? "deleted_at IS NOT NULL" : "0") + " FROM history ORDER BY timestamp, rowid";
    store::SqliteStatement select(raw, sql);
    if (!select.isValid()) {
        *error = QStringLiteral("%1 is not an atuin history database: %2").arg(path, select.errorMessage());
        return false;
    }
    ImportedCommand command;
    while (select.step()) {
        const qint64 rowid = select.columnInt(0);
        if (select.columnInt(9) != 0) {
            ++*deletedRows;
            continue;
        }
        command.line = rowid;
        command.recordId = bytesOf(select, 1);
        command.startNs = select.columnInt(2);
        command.durationNs = select.columnInt(3);
        command.exitCode =
            command.durationNs < 0 ? std::nullopt : std::optional<int>(static_cast<int>(select.columnInt(4)));
        if (command.durationNs < 0)
            command.durationNs = -1;
        command.command = bytesOf(select, 5);
        command.cwd = bytesOf(select, 6);
        command.shellSession = bytesOf(select, 7);
        command.hostUser = bytesOf(select, 8);
        const auto problem = [&](const QString& what) {
            onProblem({rowid, QStringLiteral("row %1 (id %2): %3")
                                  .arg(rowid)
                                  .arg(QString::fromUtf8(command.recordId.left(64)), what)});
        };
        if (command.command.isEmpty()) {
            problem(QStringLiteral("empty command"));
            continue;
        }
        if (command.startNs <= 0) {
            problem(QStringLiteral("no valid timestamp"));
            continue;
        }
        if (!store::isValidUtf8(command.cwd.constData(), command.cwd.size()) ||
            !store::isValidUtf8(command.shellSession.constData(), command.shellSession.size()) ||
            !store::isValidUtf8(command.hostUser.constData(), command.hostUser.size())) {
            problem(QStringLiteral("cwd, session or hostname is not valid UTF-8"));
            continue;
        }
        if (!onCommand(command, error))
            return false;
    }
    if (select.resultCode() != SQLITE_DONE) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, select.errorMessage());
        return false;
    }
    return true;
}

} // namespace trailmark::capture
