#include "PgServer.h"

#include <QDir>
#include <QFile>
#include <QProcess>

#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailmark::test {
namespace {

const QString kBin = QStringLiteral("/usr/lib/postgresql/15/bin/");
const char kServerUser[] = "trailmark-pg";

bool runProcess(const QString& program, const QStringList& arguments, QString* error, const QByteArray& input = {})
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForStarted(10'000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
        return false;
    }
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000) || process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        *error = QStringLiteral("%1 %2 failed: %3")
                     .arg(program, arguments.join(QLatin1Char(' ')), QString::fromUtf8(process.readAll()).trimmed());
        return false;
    }
    return true;
}

} // namespace

// A directory the server's user can reach (as root, /tmp may be private to root, as it
// is in some sandboxes); short, since the socket path must stay under about 100 bytes.
static QString serverBase()
{
    for (const char* candidate : {"/tmp", "/var/tmp"}) {
        struct stat info
        {};
        if (::stat(candidate, &info) == 0 && (info.st_mode & S_IXOTH))
            return QString::fromLatin1(candidate);
    }
    return QStringLiteral("/tmp");
}

PgServer::PgServer()
    : m_root(serverBase() + QStringLiteral("/tmpg-XXXXXX"))
{
    m_data = m_root.filePath(QStringLiteral("data"));
    m_socket = m_root.path();
}

PgServer::~PgServer()
{
    QString ignored;
    if (m_running)
        stop(&ignored);
}

bool PgServer::runAsServerUser(const QStringList& command, QString* error) const
{
    if (::geteuid() != 0)
        return runProcess(command.first(), command.mid(1), error);
    return runProcess(QStringLiteral("runuser"),
                      QStringList{QStringLiteral("-u"), QLatin1String(kServerUser), QStringLiteral("--")} + command,
                      error);
}

bool PgServer::start(QString* error)
{
    if (!m_root.isValid()) {
        *error = QStringLiteral("cannot create a temporary directory for the server");
        return false;
    }
    if (!QFile::exists(kBin + QStringLiteral("initdb"))) {
        *error =
            QStringLiteral("PostgreSQL 15 is not installed (%1initdb): run through packaging/dev.sh test").arg(kBin);
        return false;
    }
    if (::geteuid() == 0) {
        const passwd* user = ::getpwnam(kServerUser);
        if (!user) {
            *error = QStringLiteral("PostgreSQL refuses to run as root and there is no user %1: run through "
                                    "packaging/dev.sh test, which creates it")
                         .arg(QLatin1String(kServerUser));
            return false;
        }
        if (::chown(QFile::encodeName(m_root.path()).constData(), user->pw_uid, user->pw_gid) != 0) {
            *error = QStringLiteral("cannot hand %1 to %2").arg(m_root.path(), QLatin1String(kServerUser));
            return false;
        }
    }
    if (!QFile::exists(m_data) &&
        !runAsServerUser({kBin + QStringLiteral("initdb"), QStringLiteral("-D"), m_data, QStringLiteral("-A"),
                          QStringLiteral("trust"), QStringLiteral("-U"), QStringLiteral("owner"),
                          QStringLiteral("--no-sync"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                          QStringLiteral("--locale=C")},
                         error))
        return false;
    const QString options =
        QStringLiteral("-c listen_addresses='' -k %1 -c fsync=off -c max_connections=60").arg(m_socket);
    if (!runAsServerUser({kBin + QStringLiteral("pg_ctl"), QStringLiteral("-D"), m_data, QStringLiteral("-l"),
                          m_root.filePath(QStringLiteral("server.log")), QStringLiteral("-w"), QStringLiteral("-o"),
                          options, QStringLiteral("start")},
                         error))
        return false;
    m_running = true;
    return true;
}

bool PgServer::stop(QString* error)
{
    if (!m_running)
        return true;
    m_running = false;
    return runAsServerUser({kBin + QStringLiteral("pg_ctl"), QStringLiteral("-D"), m_data, QStringLiteral("-m"),
                            QStringLiteral("fast"), QStringLiteral("-w"), QStringLiteral("stop")},
                           error);
}

bool PgServer::restart(QString* error)
{
    return stop(error) && start(error);
}

QString PgServer::connectionString(const QString& role) const
{
    return QStringLiteral("host=%1 dbname=postgres user=%2").arg(m_socket, role);
}

bool PgServer::sql(const QString& statements, QString* error, const QString& role) const
{
    return runProcess(QStringLiteral("psql"),
                      {QStringLiteral("-X"), QStringLiteral("-q"), QStringLiteral("-v"),
                       QStringLiteral("ON_ERROR_STOP=1"), QStringLiteral("-d"), connectionString(role)},
                      error, statements.toUtf8());
}

} // namespace trailmark::test
