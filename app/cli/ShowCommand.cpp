#include "CommandContext.h"
#include "Commands.h"
#include "MessageJson.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {
namespace {

QString text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

// One line, for the terminal: newlines shown as ⏎ so a multi-line command stays one row.
QString oneLine(const std::string& bytes)
{
    QString line = text(bytes);
    line.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    return line;
}

QString clockTime(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString describe(const StoredEvent& stored)
{
    if (!stored.isReadable())
        return QStringLiteral("(unreadable: %1)").arg(stored.decodeError);
    const v1::Event& event = stored.event;
    switch (event.body_case()) {
    case v1::Event::kAppSwitch: {
        const auto& body = event.app_switch();
        return QStringLiteral("switch   %1 — %2")
            .arg(text(body.app_class()), body.excluded() ? QStringLiteral("(excluded)") : text(body.title()));
    }
    case v1::Event::kTitleChange:
        return QStringLiteral("title    %1")
            .arg(event.title_change().excluded() ? QStringLiteral("(excluded)") : text(event.title_change().title()));
    case v1::Event::kCommandStarted: {
        const auto& body = event.command_started();
        return QStringLiteral("command  $ %1   [%2 in %3]")
            .arg(oneLine(body.command()), text(body.shell()), text(body.cwd()));
    }
    case v1::Event::kCommandFinished: {
        const auto& body = event.command_finished();
        QString line =
            QStringLiteral("finished exit %1 after %2 ms").arg(body.exit_code()).arg(body.duration_ns() / 1'000'000);
        if (body.signal() != 0)
            line += QStringLiteral(" (signal %1)").arg(body.signal());
        return line;
    }
    case v1::Event::kNote:
        return QStringLiteral("note     %1").arg(text(event.note().text()));
    case v1::Event::kScreenshot:
        return QStringLiteral("screen   %1x%2").arg(event.screenshot().width()).arg(event.screenshot().height());
    case v1::Event::kMarker:
        return QStringLiteral("marker   %1 %2")
            .arg(QString::fromStdString(v1::Marker::Kind_Name(event.marker().kind())), text(event.marker().label()));
    case v1::Event::BODY_NOT_SET:
        break;
    }
    return QStringLiteral("(empty event)");
}

} // namespace

int runShow(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print a session: its events in order, notes and annotations."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("Session id or a unique prefix of it."));
    parser.process(context.arguments);
    if (parser.positionalArguments().size() != 1)
        return context.usageError(QStringLiteral("give exactly one SESSION"));

    auto store = context.openStore(Store::Access::ReadWrite);
    if (!store)
        return 1;
    QString error;
    const auto id = store->resolveSessionId(parser.positionalArguments().first(), &error);
    if (!id)
        return context.fail(error);
    const auto session = store->session(*id, &error);
    if (!session)
        return context.fail(error);
    const auto annotations = store->annotations(*id, &error);
    if (!annotations)
        return context.fail(error);
    const bool json = parser.isSet(QStringLiteral("json"));

    QJsonArray events;
    qint64 unreadable = 0;
    if (!json) {
        context.out << "Session " << *id << '\n'
                    << "  task:  " << QString::fromStdString(session->task()) << '\n'
                    << "  state: " << QString::fromStdString(v1::Session::State_Name(session->state())) << '\n';
    }
    const bool read = store->readEvents(
        *id, 0, -1,
        [&](const StoredEvent& stored) {
            if (!stored.isReadable())
                ++unreadable;
            if (json) {
                QJsonObject object = messageToJson(stored.event);
                object.insert(QStringLiteral("kind"),
                              stored.isReadable()
                                  ? QString::fromStdString(
                                        v1::Event::descriptor()->FindFieldByNumber(stored.event.body_case())->name())
                                  : QStringLiteral("unreadable"));
                object.insert(QStringLiteral("decode_error"),
                              stored.decodeError.isEmpty() ? QJsonValue() : stored.decodeError);
                events.append(object);
            } else {
                context.out << QStringLiteral("%1  %2  %3\n")
                                   .arg(QString::number(stored.event.seq()).rightJustified(6),
                                        clockTime(stored.event.time_ns()), describe(stored));
            }
            return true;
        },
        &error);
    if (!read)
        return context.fail(error);

    if (json) {
        QJsonArray annotationArray;
        for (const auto& annotation : *annotations)
            annotationArray.append(messageToJson(annotation));
        context.printJson(QJsonDocument(QJsonObject{{QStringLiteral("session"), messageToJson(*session)},
                                                    {QStringLiteral("events"), events},
                                                    {QStringLiteral("annotations"), annotationArray}}));
    } else {
        for (const auto& annotation : *annotations)
            context.out << "  annotation by " << QString::fromStdString(annotation.reviewer()) << " on "
                        << QString::fromStdString(annotation.target_id()) << ": "
                        << QString::fromStdString(annotation.rationale()) << '\n';
        if (unreadable > 0)
            context.err << "trailmark show: " << unreadable
                        << " event(s) could not be decoded; run `trailmark verify` for details" << Qt::endl;
    }
    return 0;
}

} // namespace trailmark::cli
