#pragma once

#include "capture/pty/TerminalStreamParser.h"

#include <QObject>
#include <QStringList>

#include <memory>
#include <optional>
#include <termios.h>
#include <vector>

class QSocketNotifier;

namespace trailmark::capture {

// A NULL-terminated char* array over copies of strings, for exec*(): built before a
// fork, so the child needs no allocation.
class ExecArguments
{
public:
    // encode: true for arguments (file name encoding), false for KEY=VALUE entries.
    ExecArguments(const QStringList& strings, bool encode);
    char** data() { return m_pointers.data(); }

private:
    std::vector<QByteArray> m_storage;
    std::vector<char*> m_pointers;
};

// Runs a program (the user's shell) on a new pseudo-terminal between the user's
// terminal and it, like script(1): every byte the program writes goes to our stdout
// unchanged, every byte typed goes to the program unchanged (the real terminal is in
// raw mode meanwhile, so Ctrl-C, vim and less behave as usual), window size changes
// are passed on (SIGWINCH -> TIOCSWINSZ), and the program's output is also fed to a
// TerminalStreamParser. Event-driven: QSocketNotifiers on the pty master, stdin and a
// self-pipe for SIGCHLD/SIGWINCH.
class PtyShell final : public QObject
{
    Q_OBJECT

public:
    PtyShell(TerminalStreamParser::TextHandler onText, TerminalStreamParser::MarkHandler onMark,
             QObject* parent = nullptr);
    ~PtyShell() override; // restores the terminal, kills a child that still runs

    // environment: the child's whole environment as KEY=VALUE. The program is looked up
    // in PATH when it has no slash.
    bool start(const QStringList& program, const QStringList& environment, QString* error);
    // Runs the event loop until the program has exited and its output is drained; its
    // exit status, or 128+N when signal N killed it (as shells report it).
    int waitForExit();
    qint64 childPid() const { return m_child; }

Q_SIGNALS:
    void finished(int status);

private:
    void readMaster();
    void readInput();
    void readSignals();
    void passWindowSize();
    void childExited(int status);
    void restoreTerminal();

    TerminalStreamParser m_parser;
    int m_master = -1;
    qint64 m_child = -1;
    std::optional<struct termios> m_savedTerminal;
    std::unique_ptr<QSocketNotifier> m_masterNotifier;
    std::unique_ptr<QSocketNotifier> m_inputNotifier;
    std::unique_ptr<QSocketNotifier> m_signalNotifier;
    std::optional<int> m_exitStatus;
};

} // namespace trailmark::capture
