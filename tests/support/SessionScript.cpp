#include "SessionScript.h"

#include "EventWriter.h"
#include "Store.h"

#include <QTest>

namespace trailmark::test {

SessionScript::SessionScript(Store& store, QString sessionId, qint64 startNs)
    : m_store(store)
    , m_sessionId(std::move(sessionId))
    , m_writer(std::make_unique<EventWriter>(store))
    , m_nowNs(startNs)
{}

SessionScript::~SessionScript()
{
    flush();
}

QString SessionScript::append(v1::Event event)
{
    event.set_session_id(m_sessionId.toStdString());
    if (event.time_ns() == 0)
        event.set_time_ns(m_nowNs);
    QString error;
    if (!m_writer->append(event, &error)) {
        qWarning("cannot append event: %s", qPrintable(error));
        m_ok = false;
    }
    m_nowNs += 1'000'000; // events of one script never share a timestamp
    return QString::fromStdString(event.id());
}

QString SessionScript::startCommand(const QByteArray& commandText, const QString& shellSession)
{
    v1::Event event;
    auto* body = event.mutable_command_started();
    body->set_command_id(QStringLiteral("cmd-%1").arg(m_nextCommand++).toStdString());
    body->set_command(commandText.toStdString());
    body->set_cwd("/home/expert/project");
    body->set_shell("bash");
    body->set_shell_session_id(shellSession.toStdString());
    body->set_shell_pid(4242);
    return append(event);
}

QString SessionScript::command(const QByteArray& commandText, int exitCode, const QByteArray& output,
                               const QString& shellSession, qint64 durationMs, int signal)
{
    const QString started = startCommand(commandText, shellSession);
    const std::string commandId = QStringLiteral("cmd-%1").arg(m_nextCommand - 1).toStdString();
    advanceMs(durationMs);
    v1::Event event;
    auto* body = event.mutable_command_finished();
    body->set_command_id(commandId);
    body->set_exit_code(exitCode);
    body->set_signal(signal);
    body->set_duration_ns(durationMs * 1'000'000);
    body->set_output_head(output.toStdString());
    body->set_output_bytes(static_cast<quint64>(output.size()));
    body->set_output_captured(true);
    append(event);
    return started;
}

QString SessionScript::appSwitch(const QString& appClass, const QString& title)
{
    v1::Event event;
    auto* body = event.mutable_app_switch();
    body->set_app_class(appClass.toStdString());
    body->set_app_instance(appClass.toLower().toStdString());
    body->set_title(title.toStdString());
    body->set_pid(777);
    body->set_window_id(0x1200007);
    return append(event);
}

QString SessionScript::titleChange(const QString& title)
{
    v1::Event event;
    event.mutable_title_change()->set_title(title.toStdString());
    return append(event);
}

QString SessionScript::note(const QString& text, v1::Note::Kind kind)
{
    v1::Event event;
    event.mutable_note()->set_text(text.toStdString());
    event.mutable_note()->set_kind(kind);
    event.mutable_note()->set_origin("cli");
    return append(event);
}

QString SessionScript::screenshot(const QByteArray& sha256)
{
    v1::Event event;
    event.mutable_screenshot()->set_sha256(sha256.toStdString());
    event.mutable_screenshot()->set_mime("image/png");
    event.mutable_screenshot()->set_width(4);
    event.mutable_screenshot()->set_height(4);
    return append(event);
}

bool SessionScript::flush()
{
    QString error;
    if (!m_writer->flush(&error)) {
        qWarning("cannot commit events: %s", qPrintable(error));
        m_ok = false;
    }
    return m_ok;
}

} // namespace trailmark::test
