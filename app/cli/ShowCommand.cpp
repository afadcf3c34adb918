#include "chains/TrajectoryBuilder.h"
#include "chains/TrajectoryJson.h"
#include "chains/families/PresentingFacet.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/MessageJson.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace trailmark::cli {
namespace {

using chains::oneLine;
using chains::Step;

QString clockTime(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("HH:mm:ss.zzz"));
}

QString marks(const Step& step)
{
    QStringList parts;
    if (const QString outcome = chains::families::presenting(step).showOutcome(step); !outcome.isEmpty())
        parts.append(outcome);
    if (step.retryOf >= 0)
        parts.append(QStringLiteral("RETRY of #%1, attempt %2").arg(step.retryOf).arg(step.attempt));
    if (step.recovers >= 0) {
        QStringList fixes;
        for (const int fix : step.fixSteps)
            fixes.append(QStringLiteral("#%1").arg(fix));
        parts.append(
            fixes.isEmpty()
                ? QStringLiteral("RECOVERS #%1").arg(step.recovers)
                : QStringLiteral("RECOVERS #%1, fixed by %2").arg(step.recovers).arg(fixes.join(QStringLiteral(", "))));
    }
    if (step.retriedBy >= 0)
        parts.append(QStringLiteral("retried by #%1").arg(step.retriedBy));
    return parts.join(QStringLiteral("  "));
}

void printStep(QTextStream& out, const Step& step)
{
    const QString tool = step.toolText().leftJustified(5);
    const QString action = chains::families::presenting(step).showActionPattern().arg(oneLine(step.actionText()));
    out << QStringLiteral("%1  %2  %3  %4")
               .arg(QString::number(step.index).rightJustified(5), clockTime(step.startNs), tool, action);
    const QString stepMarks = marks(step);
    if (!stepMarks.isEmpty())
        out << "   " << stepMarks;
    out << '\n';
    const QString indent(23, QLatin1Char(' '));
    if (step.isAction() && !step.thought.isEmpty())
        out << indent
            << (step.thoughtSource == QLatin1String(chains::kThoughtFromNote) ? "thought: " : "thought (reviewer): ")
            << oneLine(step.thought) << '\n';
    for (const QString& line : chains::families::presenting(step).showDetails(step))
        out << indent << line << '\n';
    if (step.effectsFamily) {
        for (const QString& line : chains::families::presenting(*step.effectsFamily).effectLines(step))
            out << indent << line << '\n';
    }
    for (const auto& annotation : step.annotations) {
        QStringList parts;
        if (annotation.has_rating())
            parts.append(QStringLiteral("rating %1%2")
                             .arg(annotation.rating() > 0 ? QStringLiteral("+") : QString())
                             .arg(annotation.rating()));
        for (const auto& label : annotation.labels())
            parts.append(QStringLiteral("[%1]").arg(QString::fromStdString(label)));
        if (!annotation.rationale().empty())
            parts.append(QStringLiteral("“%1”").arg(oneLine(QString::fromStdString(annotation.rationale()))));
        if (annotation.redactions_size() > 0)
            parts.append(QStringLiteral("%1 redaction(s)").arg(annotation.redactions_size()));
        out << indent << "review by " << QString::fromStdString(annotation.reviewer()) << ": "
            << parts.join(QLatin1Char(' ')) << '\n';
    }
}

} // namespace

int runShow(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print a session as steps: commands, app switches and notes, with errors, retries, "
                       "recoveries, thoughts and reviewer annotations."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON document.")});
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("Session id or a unique prefix of it."));
    parser.process(context.arguments);
    if (parser.positionalArguments().size() != 1)
        return context.usageError(QStringLiteral("give exactly one SESSION"));

    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    QString error;
    const auto id = store->resolveSessionId(parser.positionalArguments().first(), &error);
    if (!id)
        return context.fail(error);
    const auto trajectory = chains::TrajectoryBuilder::load(*store, *id, {}, {}, &error);
    if (!trajectory)
        return context.fail(error);

    if (parser.isSet(QStringLiteral("json"))) {
        // The steps, and the raw events they were derived from (as stored, unreadable ones
        // included with their decode_error), for scripts that want either.
        QJsonObject document = chains::trajectoryToJson(*trajectory);
        QJsonArray events;
        const bool read = store->readEvents(
            *id, 0, -1,
            [&](const store::StoredEvent& stored) {
                QJsonObject object = store::messageToJson(stored.event);
                object.insert(QStringLiteral("kind"),
                              stored.isReadable()
                                  ? QString::fromStdString(
                                        v1::Event::descriptor()->FindFieldByNumber(stored.event.body_case())->name())
                                  : QStringLiteral("unreadable"));
                object.insert(QStringLiteral("decode_error"),
                              stored.decodeError.isEmpty() ? QJsonValue() : QJsonValue(stored.decodeError));
                events.append(object);
                return true;
            },
            &error);
        if (!read)
            return context.fail(error);
        document.insert(QStringLiteral("events"), events);
        context.printJson(QJsonDocument(document));
        return 0;
    }

    const v1::Session& session = trajectory->session;
    context.out << "Session " << *id << '\n'
                << "  task:   " << QString::fromStdString(session.task()) << '\n'
                << "  state:  " << QString::fromStdString(v1::Session::State_Name(session.state())) << '\n';
    if (trajectory->verdict() != v1::Annotation::VERDICT_UNSPECIFIED)
        context.out << "  verdict: " << QString::fromStdString(v1::Annotation::Verdict_Name(trajectory->verdict()))
                    << '\n';
    context.out << "  steps:  " << trajectory->steps.size() << " (" << trajectory->errorCount() << " errors, "
                << trajectory->retryCount() << " retries, " << trajectory->recoveryCount() << " recoveries)\n\n";

    // Steps and unreadable events, merged in recording order.
    auto unreadable = trajectory->unreadable.cbegin();
    for (const Step& step : trajectory->steps) {
        for (; unreadable != trajectory->unreadable.cend() && unreadable->seq < step.firstSeq; ++unreadable)
            context.out << QStringLiteral("    ?  %1  unreadable event seq %2 (%3): %4\n")
                               .arg(clockTime(unreadable->timeNs))
                               .arg(unreadable->seq)
                               .arg(unreadable->eventId, unreadable->error);
        printStep(context.out, step);
    }
    for (; unreadable != trajectory->unreadable.cend(); ++unreadable)
        context.out << QStringLiteral("    ?  %1  unreadable event seq %2 (%3): %4\n")
                           .arg(clockTime(unreadable->timeNs))
                           .arg(unreadable->seq)
                           .arg(unreadable->eventId, unreadable->error);
    for (const auto& annotation : trajectory->sessionAnnotations)
        context.out << "  session review by " << QString::fromStdString(annotation.reviewer()) << ": "
                    << oneLine(QString::fromStdString(annotation.rationale())) << '\n';
    if (!trajectory->unreadable.empty())
        context.err << "trailmark show: " << trajectory->unreadable.size()
                    << " event(s) could not be decoded; run `trailmark verify` for details" << Qt::endl;
    return 0;
}

} // namespace trailmark::cli
