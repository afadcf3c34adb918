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

RecorderControlHandler::RecorderControlHandler(SessionId sessionId, AddNote addNote)
    : m_sessionId(std::move(sessionId))
    , m_addNote(std::move(addNote))
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
    return failure(QStringLiteral("unknown request '%1'").arg(type));
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
