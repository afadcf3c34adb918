#include "SessionScript.h"

#include "store/EventWriter.h"
#include "store/Store.h"
#include "trailmark/v1/annotation.pb.h"

#include <QTest>

namespace trailmark::test {

SessionScript::SessionScript(store::Store& store, QString sessionId, qint64 startNs)
    : m_store(store)
    , m_sessionId(std::move(sessionId))
    , m_writer(std::make_unique<store::EventWriter>(store))
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

namespace trailmark::test {

MessySession createMessySession(store::Store& store, const QString& task, qint64 startNs, bool accepted)
{
    MessySession result;
    v1::Session session;
    session.set_task(task.toStdString());
    session.set_expert("ada");
    session.set_host("workstation");
    session.set_platform("linux-x11");
    session.set_started_ns(startNs);
    session.set_state(v1::Session::STATE_FINISHED);
    QString error;
    if (!store.createSession(session, &error))
        qWarning("cannot create session: %s", qPrintable(error));
    result.sessionId = QString::fromStdString(session.id());
    // A 1x1 PNG is enough: the export copies bytes, it does not decode them.
    const QByteArray png = QByteArray::fromBase64(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
    result.screenshotSha256 = store.putBlob(png, QStringLiteral("image/png"), &error).value_or(QByteArray());

    SessionScript script(store, result.sessionId, startNs + 1'000'000'000);
    script.note(QStringLiteral("Goal: make tests/test_parser.py pass"), v1::Note::KIND_GOAL);
    script.appSwitch(QStringLiteral("XTerm"), QStringLiteral("ada@workstation: ~/parser"));
    result.failedTestEventId = script.command("pytest tests/test_parser.py", 1,
                                              "tests/test_parser.py::test_quotes FAILED\nE   AssertionError: assert "
                                              "'a\\\\\"b' == 'a\"b'\n1 failed, 4 passed\n");
    script.advanceMs(5000);
    script.note(QStringLiteral("quotes are not unescaped before splitting"), v1::Note::KIND_THINK_ALOUD);
    script.command("vim parser.py", 0, {}, QStringLiteral("shell-A"), 45'000);
    script.appSwitch(QStringLiteral("Firefox"), QStringLiteral("shlex — Python documentation"));
    script.screenshot(result.screenshotSha256);
    script.titleChange(QStringLiteral("shlex.split — Python documentation"));
    script.advanceMs(20'000);
    script.appSwitch(QStringLiteral("XTerm"), QStringLiteral("ada@workstation: ~/parser"));
    result.recoveryEventId = script.command("pytest tests/test_parser.py", 0, "5 passed in 0.12s\n");
    result.wrongTargetEventId = script.command("make build", 2, "make: *** No rule to make target 'build'.  Stop.\n",
                                               QStringLiteral("shell-B"));
    script.command(QByteArray("printf 'caf\xe9\\n' > latin1.txt"), 0, {});
    script.startCommand("./serve --port 8080");
    script.advanceMs(60'000);
    script.note(QStringLiteral("lesson: unescape before split"), v1::Note::KIND_REFLECTION);
    script.flush();

    auto annotate = [&](const QString& target, int rating, const char* label, const char* rationale,
                        v1::Annotation::Verdict verdict) {
        v1::Annotation annotation;
        annotation.set_session_id(result.sessionId.toStdString());
        annotation.set_target_id(target.toStdString());
        annotation.set_reviewer("rita");
        annotation.set_time_ns(startNs + 3'600'000'000'000LL);
        if (rating != 2) {
            annotation.set_rating(rating);
            annotation.set_has_rating(true);
        }
        if (label)
            annotation.add_labels(label);
        if (rationale)
            annotation.set_rationale(rationale);
        annotation.set_verdict(verdict);
        QString annotateError;
        if (!store.addAnnotation(annotation, &annotateError))
            qWarning("cannot annotate: %s", qPrintable(annotateError));
    };
    annotate(result.recoveryEventId, 1, "good-recovery", nullptr, v1::Annotation::VERDICT_UNSPECIFIED);
    annotate(result.wrongTargetEventId, -1, "wrong-target", "the Makefile has no build target; use make all",
             v1::Annotation::VERDICT_UNSPECIFIED);
    annotate(result.sessionId, 2, nullptr, "clean fix, good use of the docs",
             accepted ? v1::Annotation::VERDICT_ACCEPTED : v1::Annotation::VERDICT_NEEDS_WORK);
    return result;
}

} // namespace trailmark::test
