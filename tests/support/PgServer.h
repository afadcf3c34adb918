#pragma once

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace trailmark::test {

// A real PostgreSQL 15 server of the test's own, in a temporary directory, on a Unix
// socket only (no TCP). PostgreSQL refuses to run as root, so as root it runs as the
// system user trailmark-pg that `packaging/dev.sh test` creates. Stopped (fast) when
// destroyed; a test that is killed leaves a server whose pid file says what to stop.
class PgServer
{
public:
    PgServer();
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    // initdb (trust authentication, superuser "owner") and start. False with the reason.
    bool start(QString* error);
    bool stop(QString* error);
    // Stops and starts again on the same data: what a server restart looks like.
    bool restart(QString* error);

    // A libpq connection string for a role (the superuser "owner" by default).
    QString connectionString(const QString& role = QStringLiteral("owner")) const;
    // Runs SQL as the superuser (psql -v ON_ERROR_STOP=1); false with psql's message.
    bool sql(const QString& statements, QString* error, const QString& role = QStringLiteral("owner")) const;

private:
    bool runAsServerUser(const QStringList& command, QString* error) const;

    QTemporaryDir m_root;
    QString m_data;
    QString m_socket;
    bool m_running = false;
};

} // namespace trailmark::test
