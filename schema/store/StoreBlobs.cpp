// Store: content-addressed blobs (the rest of Store is in Store.cpp).
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QCryptographicHash>

#include <sqlite3.h>

#include <cstdint>

namespace trailmark::store {

std::optional<QByteArray> Store::putBlob(const QByteArray& bytes, const QString& mime, QString* error)
{
    const QByteArray sha256 = QCryptographicHash::hash(bytes, QCryptographicHash::Sha256);
    SqliteStatement insert(m_db, "INSERT OR IGNORE INTO blobs(sha256, mime, size, bytes) VALUES(?,?,?,?)");
    insert.bind(1, sha256);
    insert.bindText(2, mime);
    insert.bind(3, static_cast<std::int64_t>(bytes.size()));
    insert.bind(4, bytes);
    if (!insert.exec()) {
        *error = lastError(QStringLiteral("cannot store blob"));
        return std::nullopt;
    }
    return sha256;
}

std::optional<QByteArray> Store::blob(const QByteArray& sha256, QString* error)
{
    SqliteStatement select(m_db, "SELECT bytes FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    if (select.step())
        return select.columnBlob(0);
    *error = select.resultCode() == SQLITE_DONE
                 ? QStringLiteral("%1: no blob %2").arg(m_path, QString::fromLatin1(sha256.toHex()))
                 : lastError(QStringLiteral("cannot read blob"));
    return std::nullopt;
}

std::optional<QString> Store::blobMime(const QByteArray& sha256, QString* error)
{
    SqliteStatement select(m_db, "SELECT mime FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    if (select.step())
        return select.columnText(0);
    *error = select.resultCode() == SQLITE_DONE
                 ? QStringLiteral("%1: no blob %2").arg(m_path, QString::fromLatin1(sha256.toHex()))
                 : lastError(QStringLiteral("cannot read blob"));
    return std::nullopt;
}

bool Store::hasBlob(const QByteArray& sha256)
{
    SqliteStatement select(m_db, "SELECT 1 FROM blobs WHERE sha256=?");
    select.bind(1, sha256);
    return select.step();
}

} // namespace trailmark::store
