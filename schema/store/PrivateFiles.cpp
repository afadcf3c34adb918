#include "store/PrivateFiles.h"

#include <QDir>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailmark::store {
namespace {

QString errnoText(int code)
{
    return QString::fromLocal8Bit(std::strerror(code));
}

QString environmentOr(const char* name, const QString& fallback)
{
    const QString value = qEnvironmentVariable(name);
    return value.isEmpty() ? fallback : value;
}

} // namespace

namespace privatefiles {

bool ensureDirectory(const QString& path, QString* error)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    const QByteArray native = QFile::encodeName(absolute);
    struct stat info
    {};
    if (::stat(native.constData(), &info) == 0) {
        if (!S_ISDIR(info.st_mode)) {
            if (error)
                *error = QStringLiteral("%1 exists and is not a directory").arg(absolute);
            return false;
        }
        if ((info.st_mode & 077) != 0 && info.st_uid == ::geteuid() && ::chmod(native.constData(), 0700) != 0) {
            if (error)
                *error = QStringLiteral("cannot restrict %1 to mode 0700: %2").arg(absolute, errnoText(errno));
            return false;
        }
        return true;
    }
    const QString parent = QFileInfo(absolute).path();
    if (parent != absolute && !QFileInfo::exists(parent) && !ensureDirectory(parent, error))
        return false;
    if (::mkdir(native.constData(), 0700) != 0 && errno != EEXIST) {
        if (error)
            *error = QStringLiteral("cannot create directory %1: %2").arg(absolute, errnoText(errno));
        return false;
    }
    return true;
}

bool ensureFile(const QString& path, QString* error)
{
    const QFileInfo info(path);
    if (!ensureDirectory(info.absolutePath(), error))
        return false;
    const QByteArray native = QFile::encodeName(info.absoluteFilePath());
    const int fd = ::open(native.constData(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        if (error)
            *error = QStringLiteral("cannot create %1: %2").arg(info.absoluteFilePath(), errnoText(errno));
        return false;
    }
    struct stat status
    {};
    if (::fstat(fd, &status) == 0 && (status.st_mode & 077) != 0 && status.st_uid == ::geteuid())
        ::fchmod(fd, 0600);
    ::close(fd);
    return true;
}

} // namespace privatefiles

namespace paths {

QString defaultDatabase()
{
    const QString fromEnvironment = qEnvironmentVariable("TRAILMARK_DB");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    const QString dataHome = environmentOr("XDG_DATA_HOME", QDir::homePath() + QStringLiteral("/.local/share"));
    return dataHome + QStringLiteral("/trailmark/trailmark.db");
}

QString stateDirectory()
{
    const QString stateHome = environmentOr("XDG_STATE_HOME", QDir::homePath() + QStringLiteral("/.local/state"));
    return stateHome + QStringLiteral("/trailmark");
}

} // namespace paths
} // namespace trailmark::store
