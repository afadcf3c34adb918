#pragma once

#include "PtyDriver.h"
#include "store/Store.h"

#include <QJsonObject>
#include <QList>
#include <QTemporaryDir>

#include <memory>

namespace trailmark::test {

// One real interactive shell (bash, zsh or fish) with `trailmark init` loaded from its
// rc file, a private spool directory and database, on a pty.
class ShellHarness
{
public:
    // shell: "bash", "zsh", "fish", or "bash-functions" / "zsh-functions": that shell
    // with the hook's shell functions instead of its loadable builtin or module
    // (TRAILMARK_BASH_LOADABLE=0, TRAILMARK_ZSH_MODULE=0).
    explicit ShellHarness(const QString& shell);
    // rcPrelude: lines the rc file runs before loading the hooks (the user's own setup).
    bool start(const QStringList& extraEnvironment = {}, const QByteArray& rcPrelude = {});

    PtyDriver& pty() { return m_pty; }
    QString directory() const { return m_directory.path(); }
    QString spoolDirectory() const { return m_directory.path() + QStringLiteral("/spool"); }
    QString databasePath() const { return m_directory.path() + QStringLiteral("/data/trailmark.db"); }
    QString shell() const { return m_shell; } // the shell's own name: "bash" for "bash-functions"
    QProcessEnvironment environment() const { return m_environment; }

    // Types `exit` and waits for the shell to end.
    bool exitShell();
    // Runs `trailmark ingest --json`; the parsed document, empty on failure (stderr in *log).
    QJsonObject ingest(QString* log = nullptr);
    // Every stored event of every session, in session then seq order.
    QList<v1::Event> storedEvents();

private:
    QString m_shell;
    QStringList m_variantEnvironment;
    QTemporaryDir m_directory;
    QProcessEnvironment m_environment;
    PtyDriver m_pty;
};

// Commands (CommandStarted) and the CommandFinished paired with each, by command id.
struct StoredCommand
{
    v1::CommandStarted started;
    std::optional<v1::CommandFinished> finished;
    qint64 timeNs = 0;
};
QList<StoredCommand> commandsOf(const QList<v1::Event>& events);
QByteArray bytes(const std::string& text);
QList<QByteArray> commandTexts(const QList<StoredCommand>& commands);

// The bash and zsh hooks come in two implementations (see resources/shell/trailmark.*):
// a loadable builtin or module, and the shell functions they fall back to. Both must
// behave the same: data rows "bash", "bash-functions" (and "zsh", "zsh-functions").
void bashVariants();
void hookVariants();

} // namespace trailmark::test
