#include "SpoolIngester.h"

#include "CaptureSource.h"
#include "trailmark/v1/event.pb.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailmark {
namespace {

// Closes a descriptor on every path out.
class FileDescriptor
{
public:
    explicit FileDescriptor(int fd)
        : m_fd(fd)
    {}
    ~FileDescriptor()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

// Reads up to `size` bytes at `offset`; fewer only at the end of the file.
qint64 readAt(int fd, char* buffer, qint64 size, qint64 offset, QString* error)
{
    qint64 done = 0;
    while (done < size) {
        const ssize_t n = ::pread(fd, buffer + done, static_cast<size_t>(size - done), offset + done);
        if (n > 0) {
            done += n;
        } else if (n == 0) {
            break;
        } else if (errno != EINTR) {
            *error = QString::fromLocal8Bit(std::strerror(errno));
            return -1;
        }
    }
    return done;
}

constexpr qint64 kReadChunk = 1 << 16;

// Protobuf string fields must be UTF-8; notes are text, so invalid bytes become U+FFFD.
std::string validUtf8(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes).toStdString();
}

} // namespace

SpoolIngester::SpoolIngester(QString directory, SinkForSession sinkForSession, Commit commit)
    : m_directory(std::move(directory))
    , m_sinkForSession(std::move(sinkForSession))
    , m_commit(std::move(commit))
    , m_host(QSysInfo::machineHostName().toStdString())
{}

QString SpoolIngester::positionKey(const QString& fileName)
{
    return QStringLiteral("shell-spool:") + fileName;
}

bool SpoolIngester::shellAlive(qint64 pid)
{
    if (pid <= 0)
        return false;
    // EPERM means it exists but is not ours: alive. Only ESRCH says it is gone.
    return ::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH;
}

bool SpoolIngester::ingestAll(Result* result, QString* error)
{
    const QDir directory(m_directory);
    if (!directory.exists())
        return true; // no shell has written anything yet
    // Generation order within a session, sessions in name order.
    QStringList names =
        directory.entryList({QStringLiteral("*.spool")}, QDir::Files | QDir::System | QDir::Hidden, QDir::Name);
    std::sort(names.begin(), names.end(), [](const QString& a, const QString& b) {
        const auto left = parseSpoolFileName(a);
        const auto right = parseSpoolFileName(b);
        if (left && right && left->sessionId == right->sessionId)
            return left->generation < right->generation;
        return a < b;
    });
    for (const QString& name : std::as_const(names)) {
        if (!ingestFile(directory.filePath(name), result, error))
            return false;
    }
    // `trailmark shell` keeps its shell's spool in "pty-<its pid>" and ingests it itself;
    // when that process is gone (killed, crashed), what it left is adopted here.
    static const QRegularExpression ptyDirectory(QStringLiteral("^pty-([0-9]{1,10})$"));
    for (const QString& name : directory.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::Hidden)) {
        const QRegularExpressionMatch match = ptyDirectory.match(name);
        if (!match.hasMatch() || shellAlive(match.captured(1).toLongLong()))
            continue;
        SpoolIngester orphan(directory.filePath(name), m_sinkForSession, m_commit);
        orphan.m_host = m_host;
        if (!orphan.ingestAll(result, error))
            return false;
        QDir leftover(directory.filePath(name));
        if (leftover.entryList({QStringLiteral("*.spool")}, QDir::Files | QDir::Hidden).isEmpty()) {
            for (const QString& file : leftover.entryList(QDir::Files | QDir::Hidden))
                leftover.remove(file); // the rc files `trailmark shell` wrote
            directory.rmdir(name);
        }
    }
    // bash's scratch files of sessions that are gone and have no spool file left.
    for (const QString& scratch : directory.entryList({QStringLiteral("*.scratch")}, QDir::Files | QDir::Hidden)) {
        const QString session = scratch.chopped(8);
        const auto name = parseSpoolFileName(session + QStringLiteral(".1.spool"));
        if (!name || shellAlive(name->pid))
            continue;
        if (directory.entryList({session + QStringLiteral(".*.spool")}, QDir::Files | QDir::Hidden).isEmpty())
            QFile::remove(directory.filePath(scratch));
    }
    return true;
}

bool SpoolIngester::ingestFile(const QString& path, Result* result, QString* error)
{
    const QString fileName = QFileInfo(path).fileName();
    const auto name = parseSpoolFileName(fileName);
    if (!name) {
        result->warnings.append(QStringLiteral("%1: not a spool file name, skipped").arg(path));
        return true;
    }
    const QByteArray encoded = QFile::encodeName(path);
    struct stat info
    {};
    if (::lstat(encoded.constData(), &info) != 0)
        return true; // deleted meanwhile by another ingester
    const auto refuse = [&](const QString& why) {
        const QString message = QStringLiteral("%1: %2, skipped").arg(path, why);
        spdlog::warn("{}", message.toStdString());
        result->warnings.append(message);
        return true;
    };
    if (S_ISLNK(info.st_mode))
        return refuse(QStringLiteral("is a symbolic link"));
    if (!S_ISREG(info.st_mode))
        return refuse(QStringLiteral("is not a regular file"));
    const int fd = ::open(encoded.constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return refuse(QStringLiteral("cannot be opened (%1)").arg(QString::fromLocal8Bit(std::strerror(errno))));
    FileDescriptor file(fd);
    // Checked on the open file, so a swap between lstat and open changes nothing.
    if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode))
        return refuse(QStringLiteral("is not a regular file"));
    if (info.st_uid != ::geteuid())
        return refuse(QStringLiteral("is owned by uid %1, not by you").arg(info.st_uid));
    if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        return refuse(QStringLiteral("is writable by group or others (mode %1)")
                          .arg(info.st_mode & 07777, 4, 8, QLatin1Char('0')));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0)
        return true; // another ingester has it now; it will get these lines

    // Final: the hook will never append again. Decided before reading, so a line that
    // the hook completes after this point is still read on the next pass.
    bool final = !shellAlive(name->pid);
    if (!final) {
        const QString next = QFileInfo(path).dir().filePath(
            QStringLiteral("%1.%2.spool").arg(name->sessionId).arg(name->generation + 1));
        final = QFileInfo::exists(next);
    }
    return ingestOpenFile(fd, path, *name, final, result, error);
}

bool SpoolIngester::ingestOpenFile(int fd, const QString& path, const SpoolFileName& name, bool final, Result* result,
                                   QString* error)
{
    const QString key = positionKey(QFileInfo(path).fileName());
    struct stat info
    {};
    if (::fstat(fd, &info) != 0) {
        result->warnings.append(
            QStringLiteral("%1: cannot be read: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        return true;
    }
    EventSink* sink = m_sinkForSession(name, error);
    if (!sink)
        return false;
    const auto saved = sink->ingestPosition(key, error);
    if (!saved)
        return false;
    qint64 position = *saved;
    if (position > info.st_size) {
        result->warnings.append(
            QStringLiteral("%1: shorter (%2 bytes) than already ingested (%3 bytes); it was changed by something "
                           "other than the shell hook, skipped")
                .arg(path)
                .arg(info.st_size)
                .arg(position));
        return true;
    }
    // The file is read in chunks from the saved position, never whole: memory stays
    // bounded by the longest line kept (kMaxSpoolLineBytes), whatever the file holds.
    QByteArray chunk(kReadChunk, Qt::Uninitialized);
    QString readError;
    // Line numbers for messages: count the lines before the saved position.
    qint64 lineNumber = 1;
    for (qint64 offset = 0; offset < position;) {
        const qint64 n = readAt(fd, chunk.data(), std::min(kReadChunk, position - offset), offset, &readError);
        if (n <= 0)
            break;
        lineNumber += QByteArrayView(chunk.constData(), n).count('\n');
        offset += n;
    }
    QByteArray pending;      // bytes from `position` on that do not make a complete line yet
    bool overlong = false;   // dropping the rest of a line longer than kMaxSpoolLineBytes
    qint64 overlongSize = 0; // that line's length so far
    qint64 end = position;   // how far the file has been read
    for (;;) {
        const qint64 n = readAt(fd, chunk.data(), kReadChunk, end, &readError);
        if (n < 0) {
            // What was read so far is still committed below, under the lock.
            result->warnings.append(QStringLiteral("%1: cannot be read: %2").arg(path, readError));
            final = false;
            break;
        }
        if (n == 0)
            break;
        end += n;
        QByteArrayView fresh(chunk.constData(), n);
        while (!fresh.isEmpty()) {
            const qsizetype lf = fresh.indexOf('\n');
            if (lf < 0) {
                // Still being written (or far too long): keep at most the limit.
                if (overlong) {
                    overlongSize += fresh.size();
                } else {
                    pending.append(fresh.data(), fresh.size());
                    if (pending.size() > kMaxSpoolLineBytes) {
                        overlong = true;
                        overlongSize = pending.size();
                        pending = QByteArray();
                    }
                }
                break;
            }
            const qint64 length = (overlong ? overlongSize : pending.size()) + lf;
            const qint64 next = position + length + 1;
            if (overlong || length > kMaxSpoolLineBytes) {
                const QString message =
                    QStringLiteral("%1:%2: spool line of %3 bytes is longer than the limit of %4 bytes, skipped")
                        .arg(path)
                        .arg(lineNumber)
                        .arg(length)
                        .arg(kMaxSpoolLineBytes);
                spdlog::warn("{}", message.toStdString());
                result->warnings.append(message);
                ++result->malformedLines;
                if (!sink->recordIngestPosition(key, next, error))
                    return false;
            } else {
                pending.append(fresh.data(), lf);
                if (!ingestLine(pending, next, key, path, lineNumber, name, *sink, result, error))
                    return false;
            }
            pending.clear();
            overlong = false;
            overlongSize = 0;
            position = next;
            ++lineNumber;
            fresh = fresh.sliced(lf + 1);
        }
    }

    if (final && position != end) {
        const QString message =
            QStringLiteral("%1:%2: last line is truncated (the shell ended while writing it), skipped")
                .arg(path)
                .arg(lineNumber);
        spdlog::warn("{}", message.toStdString());
        result->warnings.append(message);
        ++result->malformedLines;
        if (!sink->recordIngestPosition(key, end, error))
            return false;
    }
    if (!m_commit(error))
        return false;
    if (final) {
        // Committed above, so deleting loses nothing; the lock is still ours.
        if (::unlink(QFile::encodeName(path).constData()) == 0)
            ++result->filesRemoved;
    }
    return true;
}

bool SpoolIngester::ingestLine(QByteArrayView line, qint64 next, const QString& key, const QString& path,
                               qint64 lineNumber, const SpoolFileName& name, EventSink& sink, Result* result,
                               QString* error)
{
    QString why;
    const auto record = parseSpoolLine(line, &why);
    if (!record) {
        const QString message =
            QStringLiteral("%1:%2: malformed spool line skipped: %3").arg(path).arg(lineNumber).arg(why);
        spdlog::warn("{}", message.toStdString());
        result->warnings.append(message);
        ++result->malformedLines;
        return sink.recordIngestPosition(key, next, error);
    }
    v1::Event event;
    event.set_time_ns(record->timeNs);
    switch (record->kind) {
    case SpoolRecord::Kind::Start: {
        auto* started = event.mutable_command_started();
        started->set_command_id(record->commandId.toStdString());
        started->set_command(record->text.toStdString());
        started->set_cwd(record->cwd.toStdString());
        started->set_shell(name.shell.toStdString());
        started->set_shell_session_id(name.sessionId.toStdString());
        started->set_shell_pid(name.pid);
        started->set_host(m_host);
        break;
    }
    case SpoolRecord::Kind::End: {
        auto* finished = event.mutable_command_finished();
        finished->set_command_id(record->commandId.toStdString());
        finished->set_exit_code(record->exitCode);
        // POSIX shells report death by signal N as 128+N.
        if (name.shell != QLatin1String("fish") && record->exitCode > 128 && record->exitCode < 128 + 65)
            finished->set_signal(record->exitCode - 128);
        finished->set_duration_ns(record->durationNs);
        for (int status : record->pipeStatus)
            finished->add_pipe_status(status);
        if (m_finishedHook)
            m_finishedHook(*finished);
        break;
    }
    case SpoolRecord::Kind::Note: {
        auto* note = event.mutable_note();
        note->set_text(validUtf8(record->text));
        note->set_kind(v1::Note::KIND_THINK_ALOUD);
        note->set_origin("shell");
        break;
    }
    }
    // Position first: the batch that commits the event commits the position too.
    if (!sink.recordIngestPosition(key, next, error) || !sink.record(event, error))
        return false;
    ++result->events;
    return true;
}

} // namespace trailmark
