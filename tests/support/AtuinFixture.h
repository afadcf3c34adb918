#pragma once

#include <QByteArray>
#include <QString>

namespace trailmark::test {

// atuin's own schema (tests/fixtures/atuin_schema.sql), kept once.
QByteArray atuinSchema();
// Runs SQL on the SQLite file at path (created when missing) with the sqlite3 C API,
// as atuin itself writes it; false (and a warning with SQLite's message) on failure.
bool executeSql(const QString& path, const QByteArray& sql);

} // namespace trailmark::test
