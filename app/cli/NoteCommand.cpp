#include "capture/Recorder.h"
#include "capture/RecorderControl.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/Vocabulary.h"

#include <QCommandLineParser>
#include <QJsonObject>

namespace trailmark::cli {

int runNote(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Add a note to the session the running recorder is recording."));
    parser.addHelpOption();
    const QCommandLineOption kindOption(QStringLiteral("kind"), QStringLiteral("goal, plan, think or reflection."),
                                        QStringLiteral("KIND"));
    parser.addOption(kindOption);
    parser.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The note (several words are joined)."));
    parser.process(context.arguments);
    const QString text = parser.positionalArguments().join(QLatin1Char(' '));
    if (text.trimmed().isEmpty())
        return context.usageError(QStringLiteral("give the note TEXT"));
    const QString kind = parser.value(kindOption);
    if (!store::vocabulary::parseNoteKind(kind))
        return context.usageError(
            QStringLiteral("unknown --kind '%1' (%2)").arg(kind, store::vocabulary::noteKindChoices()));

    QString error;
    const auto answer = capture::recordercontrol::send(context.databasePath,
                                                       QJsonObject{{QStringLiteral("request"), QStringLiteral("note")},
                                                                   {QStringLiteral("text"), text},
                                                                   {QStringLiteral("kind"), kind},
                                                                   {QStringLiteral("origin"), QStringLiteral("cli")}},
                                                       5000, &error);
    if (!answer)
        return context.fail(error);
    if (!answer->value(QStringLiteral("ok")).toBool())
        return context.fail(answer->value(QStringLiteral("error")).toString());
    context.out << "note added to session " << answer->value(QStringLiteral("session")).toString() << Qt::endl;
    return 0;
}

} // namespace trailmark::cli
