#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QStringList>

#include <sys/types.h>

namespace trailmark::test {

// Runs a real interactive program (bash, zsh, fish, `trailmark shell`) on a fresh
// pseudo-terminal and types into it, as a person at a terminal would.
class PtyDriver
{
public:
    PtyDriver() = default;
    ~PtyDriver(); // kills the child if it still runs
    PtyDriver(const PtyDriver&) = delete;
    PtyDriver& operator=(const PtyDriver&) = delete;

    bool start(const QStringList& program, const QProcessEnvironment& environment, const QString& workingDirectory);
    // Types bytes (no newline added).
    bool write(const QByteArray& bytes);
    // Reads until the output seen so far (since the last clearOutput) contains needle.
    bool waitFor(const QByteArray& needle, int timeoutMs = 10000);
    // Types `command`, Enter, then waits for the unique marker printed by a following
    // built-in (printf), so the shell has finished the command and shown its prompt.
    bool run(const QByteArray& command, int timeoutMs = 10000);
    // Types the command and waits for the next prompt's OSC 133;A mark (`trailmark
    // shell` only). Unlike run(), nothing is typed while the command runs, so no echo of
    // typed-ahead input lands in the command's captured output.
    bool runToPrompt(const QByteArray& command, int timeoutMs = 10000);
    // Sets the terminal's size, as a terminal window being resized does.
    bool resize(int rows, int columns);
    // Waits for the child to exit; its exit status, or -1 on timeout/signal.
    int waitForExit(int timeoutMs = 10000);

    QByteArray output() const { return m_output; }
    void clearOutput() { m_output.clear(); }
    pid_t pid() const { return m_pid; }

private:
    bool readSome(int timeoutMs);

    int m_master = -1;
    pid_t m_pid = -1;
    int m_marker = 0;
    QByteArray m_output;
    int m_exitStatus = -1;
    bool m_exited = false;
};

} // namespace trailmark::test
