#include "AtuinFixture.h"

#include <QFile>

#include <sqlite3.h>

namespace trailmark::test {

QByteArray atuinSchema()
{
    QFile schema(QStringLiteral(TRAILMARK_FIXTURES "/atuin_schema.sql"));
    return schema.open(QIODevice::ReadOnly) ? schema.readAll() : QByteArray();
}

bool executeSql(const QString& path, const QByteArray& sql)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return false;
    }
    char* message = nullptr;
    const bool ok = sqlite3_exec(db, sql.constData(), nullptr, nullptr, &message) == SQLITE_OK;
    if (!ok)
        qWarning("sqlite: %s", message);
    sqlite3_free(message);
    sqlite3_close(db);
    return ok;
}

} // namespace trailmark::test
