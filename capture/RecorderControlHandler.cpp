#include "capture/RecorderControlHandler.h"

#include "store/Vocabulary.h"

#include <unistd.h>

namespace trailmark::capture {
namespace {

QJsonObject failure(const QString& message)
{
    return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message}};
}

} // namespace

RecorderControlHandler::RecorderControlHandler(SessionId sessionId, AddNote addNote, ShellEvent shellEvent)
    : m_sessionId(std::move(sessionId))
    , m_addNote(std::move(addNote))
    , m_shellEvent(std::move(shellEvent))
{}

QJsonObject RecorderControlHandler::answer(const QJsonObject& request) const
{
    const QString type = request.value(QStringLiteral("request")).toString();
    if (type == QLatin1String("status")) {
        return QJsonObject{{QStringLiteral("ok"), true},
                           {QStringLiteral("session"), m_sessionId()},
                           {QStringLiteral("pid"), static_cast<qint64>(::getpid())}};
    }
    if (type == QLatin1String("note"))
        return answerNote(request);
    if (type == QLatin1String("shell-event"))
        return answerShellEvent(request);
    return failure(QStringLiteral("unknown request '%1'").arg(type));
}

QJsonObject RecorderControlHandler::answerShellEvent(const QJsonObject& request) const
{
    if (!m_shellEvent)
        return failure(QStringLiteral("this recorder does not follow shell events"));
    const QByteArray bytes = QByteArray::fromBase64(request.value(QStringLiteral("event")).toString().toLatin1());
    v1::Event event;
    if (bytes.isEmpty() || !event.ParseFromArray(bytes.constData(), static_cast<int>(bytes.size())) ||
        (!event.has_command_started() && !event.has_command_finished()))
        return failure(QStringLiteral("shell-event needs a serialised CommandStarted or CommandFinished event"));
    QString error;
    if (!m_shellEvent(event, &error))
        return failure(error);
    return QJsonObject{{QStringLiteral("ok"), true}};
}

QJsonObject RecorderControlHandler::answerNote(const QJsonObject& request) const
{
    const QString kindText = request.value(QStringLiteral("kind")).toString();
    const auto kind = store::vocabulary::parseNoteKind(kindText);
    if (!kind)
        return failure(
            QStringLiteral("unknown note kind '%1' (%2)").arg(kindText, store::vocabulary::noteKindChoices()));
    QString origin = request.value(QStringLiteral("origin")).toString();
    if (origin.isEmpty())
        origin = QStringLiteral("cli");
    QString error;
    const auto id = m_addNote(request.value(QStringLiteral("text")).toString(), *kind, origin, &error);
    if (!id)
        return failure(error);
    return QJsonObject{
        {QStringLiteral("ok"), true}, {QStringLiteral("session"), m_sessionId()}, {QStringLiteral("event"), *id}};
}

} // namespace trailmark::capture
