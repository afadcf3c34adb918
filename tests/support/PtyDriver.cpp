#include "PtyDriver.h"

#include <QDeadlineTimer>
#include <QFile>

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace trailmark::test {

PtyDriver::~PtyDriver()
{
    if (m_pid > 0 && !m_exited) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, nullptr, 0);
    }
    if (m_master >= 0)
        ::close(m_master);
}

bool PtyDriver::start(const QStringList& program, const QProcessEnvironment& environment,
                      const QString& workingDirectory)
{
    // Prepared before fork: the child only calls async-signal-safe functions.
    std::vector<QByteArray> argStorage;
    for (const QString& argument : program)
        argStorage.push_back(QFile::encodeName(argument));
    std::vector<char*> argv;
    for (QByteArray& argument : argStorage)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<QByteArray> envStorage;
    for (const QString& entry : environment.toStringList())
        envStorage.push_back(entry.toLocal8Bit());
    std::vector<char*> envp;
    for (QByteArray& entry : envStorage)
        envp.push_back(entry.data());
    envp.push_back(nullptr);
    const QByteArray directory = QFile::encodeName(workingDirectory);

    struct winsize size
    {};
    size.ws_row = 40;
    size.ws_col = 200;
    m_pid = ::forkpty(&m_master, nullptr, nullptr, &size);
    if (m_pid < 0)
        return false;
    // Non-blocking: a long write must never wait on a child that waits for us to read.
    if (m_pid > 0)
        ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    if (m_pid == 0) {
        if (::chdir(directory.constData()) != 0)
            ::_exit(126);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    return true;
}

bool PtyDriver::write(const QByteArray& bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(m_master, bytes.constData() + done, static_cast<size_t>(bytes.size() - done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN) {
                readSome(10);
                continue;
            }
            return false;
        }
        done += n;
        // Keep draining the echo so the shell never blocks on a full output buffer.
        readSome(0);
    }
    return true;
}

bool PtyDriver::readSome(int timeoutMs)
{
    pollfd pfd{m_master, POLLIN, 0};
    if (::poll(&pfd, 1, timeoutMs) <= 0)
        return false;
    char buffer[65536];
    const ssize_t n = ::read(m_master, buffer, sizeof buffer);
    if (n <= 0)
        return false;
    m_output.append(buffer, n);
    return true;
}

bool PtyDriver::waitFor(const QByteArray& needle, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!m_output.contains(needle)) {
        if (deadline.hasExpired())
            return false;
        readSome(static_cast<int>(std::clamp<qint64>(deadline.remainingTime(), 1, 100)));
    }
    return true;
}

bool PtyDriver::run(const QByteArray& command, int timeoutMs)
{
    if (!write(command + "\r"))
        return false;
    // The marker's text as printed differs from the text as typed ("%s" joins it), so
    // the echo of the typed line never matches.
    const QByteArray marker = "tm-mark-" + QByteArray::number(++m_marker);
    if (!write(" printf '%s-%s\\n' tm-mark " + QByteArray::number(m_marker) + "\r"))
        return false;
    return waitFor(marker + "\r\n", timeoutMs) || waitFor(marker + "\n", 1);
}

bool PtyDriver::runToPrompt(const QByteArray& command, int timeoutMs)
{
    // Marks of an earlier command may still be on their way, so this command's are
    // found by its id: "133;C;<id>" when it starts, "133;D;<status>;<id>" when it ends,
    // then "133;A" for the prompt after it.
    const qsizetype from = m_output.size();
    if (!write(command + "\r"))
        return false;
    QDeadlineTimer deadline(timeoutMs);
    const auto waitUntil = [&](const auto& found) {
        while (!found()) {
            if (deadline.hasExpired())
                return false;
            readSome(static_cast<int>(std::clamp<qint64>(deadline.remainingTime(), 1, 100)));
        }
        return true;
    };
    static const QByteArray started("\x1b]133;C;");
    QByteArray id;
    qsizetype position = -1;
    if (!waitUntil([&] {
            const qsizetype mark = m_output.indexOf(started, from);
            const qsizetype bell = mark < 0 ? -1 : m_output.indexOf('\a', mark);
            if (bell < 0)
                return false;
            id = m_output.mid(mark + started.size(), bell - mark - started.size());
            position = bell;
            return true;
        }))
        return false;
    const QByteArray ended = ";" + id + "\a";
    return waitUntil([&] {
        const qsizetype end = m_output.indexOf(ended, position);
        return end >= 0 && m_output.indexOf("\x1b]133;A", end) >= 0;
    });
}

bool PtyDriver::resize(int rows, int columns)
{
    struct winsize size
    {};
    size.ws_row = static_cast<unsigned short>(rows);
    size.ws_col = static_cast<unsigned short>(columns);
    return ::ioctl(m_master, TIOCSWINSZ, &size) == 0;
}

int PtyDriver::waitForExit(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        int status = 0;
        const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
        if (done == m_pid) {
            m_exited = true;
            m_exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
            while (readSome(0)) {
            }
            return m_exitStatus;
        }
        readSome(20);
    }
    return -1;
}

} // namespace trailmark::test
