#include "capture/pty/PtyShell.h"

#include <QEventLoop>
#include <QFile>
#include <QSocketNotifier>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace trailmark::capture {
namespace {

// Self-pipe: signal handlers only write the signal number; the event loop does the rest.
int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const int saved = errno;
    const auto byte = static_cast<unsigned char>(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
    errno = saved;
}

bool writeAll(int fd, const char* data, qsizetype size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, static_cast<size_t>(size));
        if (n > 0) {
            data += n;
            size -= n;
        } else if (n < 0 && errno == EAGAIN) {
            pollfd pfd{fd, POLLOUT, 0};
            ::poll(&pfd, 1, 100);
        } else if (n < 0 && errno != EINTR) {
            return false;
        }
    }
    return true;
}

} // namespace

ExecArguments::ExecArguments(const QStringList& strings, bool encode)
{
    m_storage.reserve(static_cast<size_t>(strings.size()));
    for (const QString& string : strings)
        m_storage.push_back(encode ? QFile::encodeName(string) : string.toLocal8Bit());
    for (QByteArray& bytes : m_storage)
        m_pointers.push_back(bytes.data());
    m_pointers.push_back(nullptr);
}

PtyShell::PtyShell(TerminalStreamParser::TextHandler onText, TerminalStreamParser::MarkHandler onMark, QObject* parent)
    : QObject(parent)
    , m_parser(std::move(onText), std::move(onMark))
{}

PtyShell::~PtyShell()
{
    restoreTerminal();
    if (m_child > 0 && !m_exitStatus) {
        ::kill(static_cast<pid_t>(m_child), SIGHUP);
        ::waitpid(static_cast<pid_t>(m_child), nullptr, 0);
    }
    if (m_master >= 0)
        ::close(m_master);
    ::signal(SIGWINCH, SIG_DFL);
    ::signal(SIGCHLD, SIG_DFL);
}

bool PtyShell::start(const QStringList& program, const QStringList& environment, QString* error)
{
    if (program.isEmpty()) {
        *error = QStringLiteral("no program to run");
        return false;
    }
    if (g_signalPipe[0] < 0 && ::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        *error = QStringLiteral("cannot create a pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    struct sigaction action
    {};
    action.sa_handler = onSignal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGWINCH, &action, nullptr);
    ::sigaction(SIGCHLD, &action, nullptr);

    // Everything the child needs is prepared before fork.
    ExecArguments argv(program, true);
    ExecArguments envp(environment, false);

    // The child's terminal starts like ours: same modes, same size.
    struct termios terminal
    {};
    struct winsize size
    {};
    const bool interactive = ::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &terminal) == 0;
    const bool haveSize = ::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0;
    // Children we have now are not ours but those of the shell that exec'ed us (fish's
    // `trailmark init fish | source`): reap those that have ended, once.
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    const pid_t child = ::forkpty(&m_master, nullptr, interactive ? &terminal : nullptr, haveSize ? &size : nullptr);
    if (child < 0) {
        *error = QStringLiteral("cannot open a pseudo-terminal: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    if (child == 0) {
        ::signal(SIGWINCH, SIG_DFL);
        ::signal(SIGCHLD, SIG_DFL);
        ::execvpe(argv.data()[0], argv.data(), envp.data());
        const char message[] = "trailmark shell: cannot run the shell\n";
        [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
        ::_exit(127);
    }
    m_child = child;
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    ::fcntl(m_master, F_SETFD, FD_CLOEXEC);

    if (interactive) {
        m_savedTerminal = terminal;
        struct termios raw = terminal;
        ::cfmakeraw(&raw);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    }
    m_masterNotifier = std::make_unique<QSocketNotifier>(m_master, QSocketNotifier::Read);
    connect(m_masterNotifier.get(), &QSocketNotifier::activated, this, &PtyShell::readMaster);
    m_inputNotifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
    connect(m_inputNotifier.get(), &QSocketNotifier::activated, this, &PtyShell::readInput);
    m_signalNotifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
    connect(m_signalNotifier.get(), &QSocketNotifier::activated, this, &PtyShell::readSignals);
    return true;
}

int PtyShell::waitForExit()
{
    if (!m_exitStatus) {
        QEventLoop loop;
        connect(this, &PtyShell::finished, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return m_exitStatus.value_or(1);
}

void PtyShell::readMaster()
{
    char buffer[65536];
    for (;;) {
        const ssize_t n = ::read(m_master, buffer, sizeof buffer);
        if (n > 0) {
            writeAll(STDOUT_FILENO, buffer, n);
            m_parser.feed(QByteArrayView(buffer, n));
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        // EIO: every holder of the terminal's slave side is gone.
        m_masterNotifier->setEnabled(false);
        return;
    }
}

void PtyShell::readInput()
{
    char buffer[65536];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n > 0) {
        writeAll(m_master, buffer, n);
    } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        m_inputNotifier->setEnabled(false); // stdin closed; the shell keeps running
    }
}

void PtyShell::readSignals()
{
    unsigned char signal = 0;
    while (::read(g_signalPipe[0], &signal, 1) == 1) {
        if (signal == SIGWINCH) {
            passWindowSize();
        } else if (signal == SIGCHLD && m_child > 0 && !m_exitStatus) {
            int status = 0;
            if (::waitpid(static_cast<pid_t>(m_child), &status, WNOHANG) == m_child)
                childExited(status);
        }
    }
}

void PtyShell::passWindowSize()
{
    struct winsize size
    {};
    if (::ioctl(STDIN_FILENO, TIOCGWINSZ, &size) == 0)
        ::ioctl(m_master, TIOCSWINSZ, &size); // the kernel sends SIGWINCH to the shell
}

void PtyShell::childExited(int status)
{
    // What the shell wrote last is still in the pty buffer.
    readMaster();
    m_exitStatus = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m_masterNotifier->setEnabled(false);
    m_inputNotifier->setEnabled(false);
    restoreTerminal();
    spdlog::debug("shell {} exited with {}", m_child, *m_exitStatus);
    Q_EMIT finished(*m_exitStatus);
}

void PtyShell::restoreTerminal()
{
    if (m_savedTerminal) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &*m_savedTerminal);
        m_savedTerminal.reset();
    }
}

} // namespace trailmark::capture
