#include "FidelityFixture.h"

#include "SessionScript.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QFile>
#include <QFileInfo>

namespace trailmark::test {
namespace {

// A command being read: its events are written once its description ends.
struct PendingCommand
{
    LabelledCommand label;
    int exitCode = 0;
    int signal = 0;
    QList<int> pipeStatus;
    QByteArray output;
    bool finished = true;
};

class FixtureWriter
{
public:
    FixtureWriter(SessionScript& script, LabelledSession& session)
        : m_script(script)
        , m_session(session)
    {}

    void setShell(const QString& name, const QString& id)
    {
        m_shell = name;
        m_shellSessionId = id;
    }

    void write(PendingCommand& pending)
    {
        const QString commandId = QStringLiteral("%1-%2").arg(m_shellSessionId).arg(++m_commands);
        v1::Event started;
        auto* start = started.mutable_command_started();
        start->set_command_id(commandId.toStdString());
        start->set_command(pending.label.command.toStdString());
        start->set_cwd("/home/dev/project");
        start->set_shell(m_shell.toStdString());
        start->set_shell_session_id(m_shellSessionId.toStdString());
        pending.label.startedEventId = m_script.append(started);
        if (pending.finished) {
            constexpr qint64 kDurationMs = 1500;
            m_script.advanceMs(kDurationMs);
            v1::Event finished;
            auto* finish = finished.mutable_command_finished();
            finish->set_command_id(commandId.toStdString());
            finish->set_exit_code(pending.exitCode);
            finish->set_signal(pending.signal);
            finish->set_duration_ns(kDurationMs * 1'000'000);
            for (const int status : std::as_const(pending.pipeStatus))
                finish->add_pipe_status(status);
            finish->set_output_head(pending.output.toStdString());
            finish->set_output_bytes(static_cast<quint64>(pending.output.size()));
            finish->set_output_captured(true);
            m_script.append(finished);
        }
        m_script.advanceMs(4000); // the expert reads, thinks, types
        m_session.commands.append(pending.label);
    }

private:
    SessionScript& m_script;
    LabelledSession& m_session;
    QString m_shell = QStringLiteral("bash");
    QString m_shellSessionId = QStringLiteral("default");
    int m_commands = 0;
};

// Applies one indented line to the command being read.
bool describe(PendingCommand& pending, const QString& key, const QString& value)
{
    if (key == QLatin1String("exit"))
        pending.exitCode = value.toInt();
    else if (key == QLatin1String("signal"))
        pending.signal = value.toInt();
    else if (key == QLatin1String("pipe"))
        for (const QString& status : value.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            pending.pipeStatus.append(status.toInt());
    else if (key == QLatin1String("out"))
        pending.output += value.toUtf8() + '\n';
    else if (key == QLatin1String("noend"))
        pending.finished = false;
    else if (key == QLatin1String("expect"))
        pending.label.expectedOutcome = value;
    else if (key == QLatin1String("id"))
        pending.label.name = value;
    else if (key == QLatin1String("retry"))
        pending.label.retries = value;
    else
        return false;
    return true;
}

} // namespace

bool writeLabelledSession(store::Store& store, const QString& path, LabelledSession* session, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        *error = file.errorString();
        return false;
    }
    const QStringList lines = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'));
    session->file = QFileInfo(path).fileName();
    QString task = session->file;
    for (const QString& line : lines) {
        if (line.startsWith(QLatin1String("task ")))
            task = line.mid(5);
    }
    session->sessionId = createSession(store, task);
    SessionScript script(store, session->sessionId);
    FixtureWriter writer(script, *session);
    std::optional<PendingCommand> pending;
    const auto flushPending = [&] {
        if (pending)
            writer.write(*pending);
        pending.reset();
    };
    for (int number = 1; number <= lines.size(); ++number) {
        const QString& raw = lines.at(number - 1);
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const QString key = line.section(QLatin1Char(' '), 0, 0);
        const QString value = line.section(QLatin1Char(' '), 1);
        if (raw.startsWith(QLatin1Char(' '))) {
            if (!pending || !describe(*pending, key, value)) {
                *error = QStringLiteral("%1:%2: unexpected \"%3\"").arg(session->file).arg(number).arg(line);
                return false;
            }
            continue;
        }
        flushPending();
        if (key == QLatin1String("$")) {
            pending.emplace();
            pending->label.command = value;
            pending->label.line = number;
        } else if (key == QLatin1String("shell")) {
            writer.setShell(value.section(QLatin1Char(' '), 0, 0), value.section(QLatin1Char(' '), 1, 1));
        } else if (key == QLatin1String("app")) {
            script.appSwitch(value.section(QLatin1String(" | "), 0, 0).trimmed(),
                             value.section(QLatin1String(" | "), 1).trimmed());
            script.advanceMs(2000);
        } else if (key == QLatin1String("wait")) {
            script.advanceMs(value.toLongLong() * 1000);
        } else if (key != QLatin1String("task")) {
            *error = QStringLiteral("%1:%2: unknown directive \"%3\"").arg(session->file).arg(number).arg(key);
            return false;
        }
    }
    flushPending();
    for (const LabelledCommand& command : std::as_const(session->commands)) {
        if (command.expectedOutcome.isEmpty()) {
            *error = QStringLiteral("%1:%2: no expect line").arg(session->file).arg(command.line);
            return false;
        }
    }
    if (!script.flush()) {
        *error = QStringLiteral("%1: the store refused an event").arg(session->file);
        return false;
    }
    return true;
}

} // namespace trailmark::test
