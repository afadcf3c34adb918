#include "cli/CommandContext.h"
#include "cli/Commands.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {
namespace {

QString stateName(v1::Session::State state)
{
    QString name = QString::fromStdString(v1::Session::State_Name(state));
    return name.remove(QStringLiteral("STATE_")).toLower();
}

QString localTime(qint64 ns)
{
    if (ns == 0)
        return QStringLiteral("-");
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QJsonObject sessionJson(const store::SessionSummary& summary)
{
    const v1::Session& session = summary.session;
    QJsonArray tags;
    for (const auto& tag : session.tags())
        tags.append(QString::fromStdString(tag));
    return QJsonObject{
        {QStringLiteral("id"), QString::fromStdString(session.id())},
        {QStringLiteral("task"), QString::fromStdString(session.task())},
        {QStringLiteral("expert"), QString::fromStdString(session.expert())},
        {QStringLiteral("host"), QString::fromStdString(session.host())},
        {QStringLiteral("platform"), QString::fromStdString(session.platform())},
        {QStringLiteral("state"), stateName(session.state())},
        {QStringLiteral("started_ns"), static_cast<qint64>(session.started_ns())},
        {QStringLiteral("ended_ns"), static_cast<qint64>(session.ended_ns())},
        {QStringLiteral("event_count"), summary.eventCount},
        {QStringLiteral("last_event_ns"), summary.lastEventNs},
        {QStringLiteral("tags"), tags},
        {QStringLiteral("source"), QString::fromStdString(session.source())},
        {QStringLiteral("damaged"), !summary.decodeError.isEmpty()},
    };
}

} // namespace

int runSessions(CommandContext& context)
{
    int status = 0;
    const auto listing = context.listSessions(QStringLiteral("List recorded sessions, newest first."), &status);
    if (!listing)
        return status;
    const auto* summaries = &listing->summaries;
    const store::Store* store = listing->store.get();

    if (listing->json) {
        QJsonArray sessions;
        for (const auto& summary : *summaries)
            sessions.append(sessionJson(summary));
        context.printJson(QJsonDocument(
            QJsonObject{{QStringLiteral("database"), store->path()}, {QStringLiteral("sessions"), sessions}}));
        return 0;
    }
    if (summaries->isEmpty()) {
        context.out << "No sessions yet in " << store->path() << ".\n"
                    << "Start one with the desktop app (run `trailmark`).\n";
        return 0;
    }
    context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                       .arg(QStringLiteral("ID").leftJustified(36), QStringLiteral("STARTED").leftJustified(16),
                            QStringLiteral("STATE").leftJustified(11), QStringLiteral("EVENTS").rightJustified(7),
                            QStringLiteral("TASK"));
    for (const auto& summary : *summaries) {
        const v1::Session& session = summary.session;
        const QString task =
            summary.decodeError.isEmpty() ? QString::fromStdString(session.task()) : QStringLiteral("(damaged record)");
        context.out << QStringLiteral("%1  %2  %3  %4  %5\n")
                           .arg(QString::fromStdString(session.id()), localTime(session.started_ns()),
                                stateName(session.state()).leftJustified(11),
                                QString::number(summary.eventCount).rightJustified(7), task);
    }
    return 0;
}

} // namespace trailmark::cli
