#include "capture/shell/SpoolIngester.h"

#include "capture/CaptureSource.h"
#include "capture/shell/ShellExit.h"
#include "capture/shell/SpoolReader.h"
#include "trailmark/v1/event.pb.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSysInfo>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace trailmark::capture {
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

// Line numbers for messages, counted only when a message needs one: most ingests never
// do, and a file is then read once. Counting resumes where the last count stopped.
class LineCounter
{
public:
    explicit LineCounter(int fd)
        : m_fd(fd)
    {}

    // The line number of the byte at `offset` (1 for the first line).
    qint64 lineAt(qint64 offset)
    {
        if (offset < m_countedTo) {
            m_countedTo = 0;
            m_lineBreaks = 0;
        }
        QByteArray chunk(qsizetype(1) << 20, Qt::Uninitialized);
        while (m_countedTo < offset) {
            const qint64 want = std::min<qint64>(chunk.size(), offset - m_countedTo);
            const ssize_t n = ::pread(m_fd, chunk.data(), static_cast<size_t>(want), m_countedTo);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break; // unknowable; the number stays a lower bound
            m_lineBreaks += QByteArrayView(chunk).first(n).count('\n');
            m_countedTo += n;
        }
        return 1 + m_lineBreaks;
    }

private:
    int m_fd;
    qint64 m_countedTo = 0;
    qint64 m_lineBreaks = 0;
};

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
    EventSink* sink = m_sinkForSession(name, error);
    if (!sink)
        return false;
    const auto saved = sink->ingestPosition(key, error);
    if (!saved)
        return false;
    struct stat info
    {};
    if (::fstat(fd, &info) != 0) {
        result->warnings.append(
            QStringLiteral("%1: cannot be read: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
        return true;
    }
    if (*saved > info.st_size) {
        result->warnings.append(
            QStringLiteral("%1: shorter (%2 bytes) than already ingested (%3 bytes); it was changed by something "
                           "other than the shell hook, skipped")
                .arg(path)
                .arg(info.st_size)
                .arg(*saved));
        return true;
    }
    LineCounter lines(fd);
    const auto skipped = [&](qint64 offset, qint64 next, const QString& why) {
        const QString message = QStringLiteral("%1:%2: %3").arg(path).arg(lines.lineAt(offset)).arg(why);
        spdlog::warn("{}", message.toStdString());
        result->warnings.append(message);
        ++result->malformedLines;
        return sink->recordIngestPosition(key, next, error);
    };
    const std::string shell = name.shell.toStdString();
    const std::string sessionId = name.sessionId.toStdString();
    const QByteArray sessionBytes = name.sessionId.toUtf8();

    SpoolReader reader(fd, *saved, final);
    bool reading = true;
    while (reading) {
        const SpoolReader::Item item = reader.next();
        switch (item.status) {
        case SpoolReader::Status::Record:
            break;
        case SpoolReader::Status::Oversized:
            if (!skipped(item.offset, item.next,
                         QStringLiteral("spool record of %1 bytes is longer than the limit (%2 bytes), skipped")
                             .arg(item.next - item.offset)
                             .arg(SpoolReader::kDefaultMaxRecordBytes)))
                return false;
            continue;
        case SpoolReader::Status::Truncated:
            if (!skipped(item.offset, item.next,
                         QStringLiteral("last line is truncated (the shell ended while writing it), skipped")))
                return false;
            continue;
        case SpoolReader::Status::Error:
            // What was read so far is committed below; the rest is read next time.
            result->warnings.append(QStringLiteral("%1: cannot be read: %2").arg(path, reader.error()));
            final = false; // never delete a file that was not read to its end
            reading = false;
            continue;
        case SpoolReader::Status::Incomplete: // the shell is writing it; read when complete
        case SpoolReader::Status::End:
            reading = false;
            continue;
        }
        QString why;
        const auto record = parseSpoolLine(item.bytes, &why);
        if (!record) {
            if (!skipped(item.offset, item.next, QStringLiteral("malformed spool line skipped: %1").arg(why)))
                return false;
            continue;
        }
        if (isShellEnd(*record, sessionBytes)) {
            if (!sink->recordIngestPosition(key, item.next, error))
                return false;
            continue;
        }
        v1::Event event;
        event.set_time_ns(record->timeNs);
        switch (record->kind) {
        case SpoolRecord::Kind::Start: {
            auto* started = event.mutable_command_started();
            started->set_command_id(spoolCommandId(*record, sessionBytes).toStdString());
            started->set_command(record->text.toStdString());
            started->set_cwd(record->cwd.toStdString());
            started->set_shell(shell);
            started->set_shell_session_id(sessionId);
            started->set_shell_pid(name.pid);
            started->set_host(m_host);
            break;
        }
        case SpoolRecord::Kind::End: {
            auto* finished = event.mutable_command_finished();
            finished->set_command_id(spoolCommandId(*record, sessionBytes).toStdString());
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
        if (!sink->recordIngestPosition(key, item.next, error) || !sink->record(event, error))
            return false;
        ++result->events;
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

bool SpoolIngester::isShellEnd(const SpoolRecord& record, QByteArrayView sessionId)
{
    if (record.kind == SpoolRecord::Kind::Note)
        return false;
    const QByteArray id = spoolCommandId(record, sessionId);
    if (record.kind == SpoolRecord::Kind::End)
        return m_shellEnds.remove(id);
    if (!endsTheShell(std::string_view(record.text.constData(), static_cast<size_t>(record.text.size()))))
        return false;
    if (m_shellEnds.size() >= 1024) // ends that never came (the shell exited): forget them
        m_shellEnds.clear();
    m_shellEnds.insert(id);
    return true;
}

} // namespace trailmark::capture
