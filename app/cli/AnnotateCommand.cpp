#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/MessageJson.h"
#include "store/Vocabulary.h"

#include <QCommandLineParser>
#include <QJsonDocument>

namespace trailmark::cli {

int runAnnotate(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Annotate a session (verdict, overall rationale) or one of its steps (rating, labels, "
                       "rationale, outcome), as the "
                       "review view does. Steps are numbered as `trailmark show` prints them."));
    parser.addHelpOption();
    const QCommandLineOption step(QStringLiteral("step"), QStringLiteral("Step number (from `show`)."),
                                  QStringLiteral("N"));
    const QCommandLineOption reviewer(QStringLiteral("reviewer"), QStringLiteral("Who is reviewing (required)."),
                                      QStringLiteral("NAME"));
    const QCommandLineOption rating(QStringLiteral("rating"), QStringLiteral("-1 wrong, 0 neutral, 1 good."),
                                    QStringLiteral("R"));
    const QCommandLineOption label(QStringLiteral("label"), QStringLiteral("A label; repeat for several."),
                                   QStringLiteral("L"));
    const QCommandLineOption rationale(QStringLiteral("rationale"), QStringLiteral("Why."), QStringLiteral("TEXT"));
    const QCommandLineOption verdict(QStringLiteral("verdict"),
                                     QStringLiteral("Session verdict: accepted, rejected or needs-work."),
                                     QStringLiteral("V"));
    const QCommandLineOption outcome(QStringLiteral("outcome"),
                                     QStringLiteral("Correct the step's outcome: %1.")
                                         .arg(chains::correctableOutcomeNames().join(QStringLiteral(", "))),
                                     QStringLiteral("O"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print the stored annotation as JSON."));
    parser.addOptions({step, reviewer, rating, label, rationale, verdict, outcome, json});
    parser.addPositionalArgument(QStringLiteral("SESSION"), QStringLiteral("Session id or a unique prefix of it."));
    parser.process(context.arguments);
    if (parser.positionalArguments().size() != 1)
        return context.usageError(QStringLiteral("give exactly one SESSION"));
    if (parser.value(reviewer).trimmed().isEmpty())
        return context.usageError(QStringLiteral("--reviewer NAME is required"));
    if (!parser.isSet(rating) && !parser.isSet(label) && !parser.isSet(rationale) && !parser.isSet(verdict) &&
        !parser.isSet(outcome))
        return context.usageError(
            QStringLiteral("nothing to record: give --rating, --label, --rationale, --outcome or --verdict"));
    if (parser.isSet(step) && parser.isSet(verdict))
        return context.usageError(QStringLiteral("--verdict is for the whole session; leave out --step"));
    if (!parser.isSet(step) && parser.isSet(rating))
        return context.usageError(QStringLiteral("--rating rates a step; give --step N"));
    if (!parser.isSet(step) && parser.isSet(outcome))
        return context.usageError(QStringLiteral("--outcome corrects a step; give --step N"));

    v1::Annotation annotation;
    annotation.set_reviewer(parser.value(reviewer).trimmed().toStdString());
    if (parser.isSet(rating)) {
        bool ok = false;
        const int value = parser.value(rating).toInt(&ok);
        if (!ok || value < -1 || value > 1)
            return context.usageError(QStringLiteral("--rating must be -1, 0 or 1"));
        annotation.set_rating(value);
        annotation.set_has_rating(true);
    }
    for (const QString& text : parser.values(label))
        if (!text.trimmed().isEmpty())
            annotation.add_labels(text.trimmed().toStdString());
    annotation.set_rationale(parser.value(rationale).toStdString());
    if (QString outcomeError;
        parser.isSet(outcome) && !chains::review::setCorrectedOutcome(annotation, parser.value(outcome), &outcomeError))
        return context.usageError(QStringLiteral("--outcome: ") + outcomeError);
    if (parser.isSet(verdict)) {
        const auto parsed = store::vocabulary::parseVerdict(parser.value(verdict));
        if (!parsed)
            return context.usageError(QStringLiteral("--verdict must be accepted, rejected or needs-work"));
        annotation.set_verdict(*parsed);
    }

    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return 1;
    QString error;
    const auto sessionId = store->resolveSessionId(parser.positionalArguments().first(), &error);
    if (!sessionId)
        return context.fail(error);
    annotation.set_session_id(sessionId->toStdString());
    annotation.set_target_id(sessionId->toStdString());
    if (parser.isSet(step)) {
        bool ok = false;
        const int index = parser.value(step).toInt(&ok);
        const auto trajectory = chains::TrajectoryBuilder::load(*store, *sessionId, {}, {}, &error);
        if (!trajectory)
            return context.fail(error);
        if (!ok || index < 0 || static_cast<size_t>(index) >= trajectory->steps.size())
            return context.fail(QStringLiteral("session %1 has steps 0..%2; there is no step %3")
                                    .arg(*sessionId)
                                    .arg(static_cast<qsizetype>(trajectory->steps.size()) - 1)
                                    .arg(parser.value(step)));
        const chains::Step& target = trajectory->steps[static_cast<size_t>(index)];
        if (target.eventIds.empty())
            return context.fail(QStringLiteral("step %1 has no event to annotate").arg(index));
        annotation.set_target_id(target.eventIds.front());
    }
    if (!chains::review::addAnnotation(*store, annotation, &error))
        return context.fail(error);
    if (parser.isSet(json))
        context.printJson(QJsonDocument(store::messageToJson(annotation)));
    else
        context.out << "annotation " << QString::fromStdString(annotation.id()) << " by "
                    << QString::fromStdString(annotation.reviewer()) << " on "
                    << (parser.isSet(step) ? QStringLiteral("step %1").arg(parser.value(step))
                                           : QStringLiteral("session %1").arg(*sessionId))
                    << '\n';
    return 0;
}

} // namespace trailmark::cli
