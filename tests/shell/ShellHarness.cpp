#include "ShellHarness.h"

#include <QDir>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

namespace trailmark::test {
namespace {

bool writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

ShellHarness::ShellHarness(const QString& shell)
    : m_shell(shell)
{
    if (shell == QLatin1String("bash-functions")) {
        m_shell = QStringLiteral("bash");
        m_variantEnvironment = {QStringLiteral("TRAILMARK_BASH_LOADABLE=0")};
    } else if (shell == QLatin1String("zsh-functions")) {
        m_shell = QStringLiteral("zsh");
        m_variantEnvironment = {QStringLiteral("TRAILMARK_ZSH_MODULE=0")};
    }
}

bool ShellHarness::start(const QStringList& extraEnvironment, const QByteArray& rcPrelude)
{
    const QString dir = m_directory.path();
    QDir().mkpath(dir + QStringLiteral("/work/sub dir"));
    // With this directory present fish does not start its background man-page parser,
    // which would outlive the test.
    QDir().mkpath(dir + QStringLiteral("/share/fish/generated_completions"));
    const QByteArray binary = TRAILMARK_BINARY;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), dir);
    environment.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
    environment.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
    environment.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
    environment.insert(QStringLiteral("USER"), QStringLiteral("tester"));
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), spoolDirectory());
    environment.insert(QStringLiteral("TRAILMARK_DB"), databasePath());
    environment.insert(QStringLiteral("XDG_STATE_HOME"), dir + QStringLiteral("/state"));
    environment.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/share"));
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
    for (const QString& entry : m_variantEnvironment + extraEnvironment)
        environment.insert(entry.section(QLatin1Char('='), 0, 0), entry.section(QLatin1Char('='), 1));
    m_environment = environment;

    QStringList program;
    if (m_shell == QLatin1String("bash")) {
        const QString rc = dir + QStringLiteral("/bashrc");
        writeFile(rc, "PS1='$ '\n" + rcPrelude + "eval \"$('" + binary + "' init bash)\"\n");
        program = {QStringLiteral("/bin/bash"), QStringLiteral("--noprofile"), QStringLiteral("--rcfile"), rc,
                   QStringLiteral("-i")};
    } else if (m_shell == QLatin1String("zsh")) {
        writeFile(dir + QStringLiteral("/.zshrc"),
                  "PS1='%# '\n" + rcPrelude + "eval \"$('" + binary + "' init zsh)\"\n");
        environment.insert(QStringLiteral("ZDOTDIR"), dir);
        m_environment = environment;
        program = {QStringLiteral("/bin/zsh"), QStringLiteral("-i")};
    } else {
        writeFile(dir + QStringLiteral("/config/fish/config.fish"),
                  "set -g fish_greeting ''\nfunction fish_prompt; printf '> '; end\n" + rcPrelude + "'" + binary +
                      "' init fish | source\n");
        program = {QStringLiteral("/usr/bin/fish"), QStringLiteral("-i")};
    }
    if (!m_pty.start(program, environment, dir + QStringLiteral("/work")))
        return false;
    // Ready when a first command has run through the hooks.
    return m_pty.run(" true", 20000);
}

bool ShellHarness::exitShell()
{
    m_pty.write("exit\r");
    return m_pty.waitForExit(10000) >= 0;
}

QJsonObject ShellHarness::ingest(QString* log)
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  {QStringLiteral("--db"), databasePath(), QStringLiteral("ingest"), QStringLiteral("--json")});
    if (!process.waitForFinished(60000))
        return {};
    if (log)
        *log = QString::fromUtf8(process.readAllStandardError());
    if (process.exitCode() != 0) {
        qWarning("trailmark ingest failed: %s", process.readAllStandardError().constData());
        return {};
    }
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

QList<v1::Event> ShellHarness::storedEvents()
{
    QList<v1::Event> events;
    QString error;
    auto store = store::Store::open(databasePath(), store::Store::Access::ReadOnly, &error);
    if (!store) {
        qWarning("%s", qPrintable(error));
        return events;
    }
    const auto sessions = store->sessionSummaries(&error);
    if (!sessions)
        return events;
    for (auto it = sessions->crbegin(); it != sessions->crend(); ++it) {
        store->readEvents(
            QString::fromStdString(it->session.id()), 0, -1,
            [&](const store::StoredEvent& stored) {
                events.append(stored.event);
                return true;
            },
            &error);
    }
    return events;
}

QList<StoredCommand> commandsOf(const QList<v1::Event>& events)
{
    QList<StoredCommand> commands;
    for (const v1::Event& event : events) {
        if (event.has_command_started()) {
            StoredCommand command;
            command.started = event.command_started();
            command.timeNs = event.time_ns();
            commands.append(command);
        } else if (event.has_command_finished()) {
            for (StoredCommand& command : commands) {
                if (command.started.command_id() == event.command_finished().command_id())
                    command.finished = event.command_finished();
            }
        }
    }
    return commands;
}

QByteArray bytes(const std::string& text)
{
    return QByteArray(text.data(), static_cast<qsizetype>(text.size()));
}

QList<QByteArray> commandTexts(const QList<StoredCommand>& commands)
{
    QList<QByteArray> texts;
    for (const StoredCommand& command : commands)
        texts.append(bytes(command.started.command()));
    return texts;
}

void bashVariants()
{
    QTest::addColumn<QString>("shell");
    QTest::newRow("bash") << QStringLiteral("bash");
    QTest::newRow("bash-functions") << QStringLiteral("bash-functions");
}

void hookVariants()
{
    bashVariants();
    QTest::newRow("zsh") << QStringLiteral("zsh");
    QTest::newRow("zsh-functions") << QStringLiteral("zsh-functions");
}

} // namespace trailmark::test
