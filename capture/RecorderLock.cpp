#include "capture/RecorderLock.h"

#include "store/PrivateFiles.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailmark::capture {
namespace {

QString lockPathFor(const QString& databasePath)
{
    return QFileInfo(databasePath).absoluteFilePath() + QStringLiteral(".lock");
}

qint64 readPid(int fd)
{
    char buffer[32] = {};
    const ssize_t length = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (length <= 0)
        return 0;
    return QByteArray(buffer, static_cast<qsizetype>(length)).trimmed().toLongLong();
}

} // namespace

RecorderLock::RecorderLock(const QString& databasePath)
    : m_databasePath(databasePath)
    , m_path(lockPathFor(databasePath))
{}

RecorderLock::~RecorderLock()
{
    release();
}

bool RecorderLock::acquire(QString* error)
{
    if (m_fd >= 0)
        return true;
    if (!store::privatefiles::ensureDirectory(QFileInfo(m_path).absolutePath(), error))
        return false;
    const QByteArray path = QFile::encodeName(m_path);
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        *error = QStringLiteral("cannot open the lock file %1: %2")
                     .arg(m_path, QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int code = errno;
        if (code == EWOULDBLOCK) {
            const qint64 pid = readPid(fd);
            *error = pid > 0 ? QStringLiteral("another recorder (pid %1) is already recording into %2")
                                   .arg(pid)
                                   .arg(m_databasePath)
                             : QStringLiteral("another recorder is already recording into %1 (lock %2 is held)")
                                   .arg(m_databasePath, m_path);
        } else {
            *error = QStringLiteral("cannot lock %1: %2").arg(m_path, QString::fromLocal8Bit(std::strerror(code)));
        }
        ::close(fd);
        return false;
    }
    ::fchmod(fd, 0600);
    const QByteArray pid = QByteArray::number(static_cast<qint64>(::getpid())) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.constData(), static_cast<size_t>(pid.size()), 0) != pid.size()) {
        // The lock holds without the pid; only the message to a second recorder is poorer.
    }
    m_fd = fd;
    return true;
}

void RecorderLock::release()
{
    if (m_fd < 0)
        return;
    // The file stays: removing it would let two processes lock two different inodes.
    if (::ftruncate(m_fd, 0) != 0) {
        // A stale pid in the file only matters while the lock is held, and it is not.
    }
    ::close(m_fd);
    m_fd = -1;
}

bool RecorderLock::isLocked(const QString& databasePath, qint64* holderPid)
{
    *holderPid = 0;
    const QByteArray path = QFile::encodeName(lockPathFor(databasePath));
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool locked = false;
    if (::flock(fd, LOCK_SH | LOCK_NB) != 0) {
        locked = errno == EWOULDBLOCK;
        if (locked)
            *holderPid = readPid(fd);
    } else {
        ::flock(fd, LOCK_UN);
    }
    ::close(fd);
    return locked;
}

} // namespace trailmark::capture
