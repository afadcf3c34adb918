#include "chains/families/PresentingFacet.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellStep.h"
#include "store/Utf8.h"

#include <QJsonObject>

namespace trailmark::chains {
namespace {

// One line of a command for the live feed.
QString feedText(const std::string& bytes)
{
    QString text = utf8Text(bytes);
    text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    return text.left(200);
}

QJsonValue bytesBase64(const std::string& bytes)
{
    if (store::isValidUtf8(bytes))
        return QJsonValue();
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64());
}

QJsonValue orNull(const std::string& text)
{
    return text.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(text));
}

class ShellPresenting final : public PresentingFacet
{
public:
    QString describeEvent(const v1::Event& event) const override
    {
        if (event.has_command_started())
            return QStringLiteral("$ ") + feedText(event.command_started().command());
        return QStringLiteral("  → exit %1").arg(event.command_finished().exit_code());
    }
    QString toolLabel(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        return shell.shell.empty() ? step.toolText() : QString::fromStdString(shell.shell);
    }
    QString outcomeLabel(const Step& step) const override
    {
        if (step.outcome == StepOutcome::Error && shellOf(step).hasExit && !step.derivedOutcome)
            return QStringLiteral("exit %1").arg(shellOf(step).exitCode);
        return toString(step.outcome);
    }
    TimelineLane lane(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        const QString name = shell.shell.empty() ? QStringLiteral("shell") : QString::fromStdString(shell.shell);
        const QString session = QString::fromStdString(shell.shellSessionId);
        const QString label = session.isEmpty() ? name : QStringLiteral("%1 %2").arg(name, session.right(8));
        return {QStringLiteral("shell:") + label, label};
    }
    quint32 color(StepOutcome outcome) const override
    {
        switch (outcome) {
        case StepOutcome::Interrupted:
            return 0x999999;
        case StepOutcome::NoResult:
            return 0x8a9a5b; // an answer, not a failure: muted, apart from ok's blue
        case StepOutcome::Stopped:
            return 0x6a5acd;
        default:
            return 0x3d78b8;
        }
    }
    QString showActionPattern() const override { return QStringLiteral("$ %1"); }
    QString showOutcome(const Step& step) const override
    {
        // A reviewer's correction says who made it, and what was derived before.
        const QString corrected = step.derivedOutcome
                                      ? QStringLiteral(" [corrected by %1, derived %2]")
                                            .arg(step.outcomeCorrectedBy, toString(*step.derivedOutcome))
                                      : QString();
        switch (step.outcome) {
        case StepOutcome::Error:
            return step.errorReasons.isEmpty()
                       ? QStringLiteral("ERROR") + corrected
                       : QStringLiteral("ERROR (%1)").arg(step.errorReasons.join(QStringLiteral(", "))) + corrected;
        case StepOutcome::NoResult:
        case StepOutcome::Stopped: {
            const QString name =
                step.outcome == StepOutcome::Stopped ? QStringLiteral("stopped") : QStringLiteral("no result");
            return (step.outcomeReason.isEmpty() ? name : QStringLiteral("%1 (%2)").arg(name, step.outcomeReason)) +
                   corrected;
        }
        case StepOutcome::Interrupted:
            return QStringLiteral("INTERRUPTED (no exit recorded)") + corrected;
        case StepOutcome::Unknown:
            return QStringLiteral("exit unknown") + corrected;
        case StepOutcome::Ok:
            break;
        }
        return QStringLiteral("ok") + corrected;
    }
    QStringList showDetails(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        if (step.outcome != StepOutcome::Error)
            return {};
        const QString output = utf8Text(shell.outputTail.empty() ? shell.outputHead : shell.outputTail).trimmed();
        if (output.isEmpty())
            return {};
        return {QStringLiteral("output: ") + oneLine(output.section(QLatin1Char('\n'), -3), 200)};
    }
    QStringList detailFacts(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        QStringList facts;
        QString where = QString::fromStdString(shell.shell);
        if (!shell.cwd.empty())
            where += QStringLiteral(" in ") + utf8Text(shell.cwd);
        if (!where.isEmpty())
            facts.append(where);
        if (shell.hasExit && step.outcome != StepOutcome::Unknown)
            facts.append(QStringLiteral("exit %1").arg(shell.exitCode));
        if (shell.signal != 0)
            facts.append(QStringLiteral("signal %1").arg(shell.signal));
        return facts;
    }
    std::vector<RedactableText> redactableTexts(const Step& step) const override
    {
        const ShellStep& shell = shellOf(step);
        // The command is in the opening event, the output in the finish record.
        return {{0, QStringLiteral("command"), QStringLiteral("Command"), shell.command},
                {1, QStringLiteral("output_head"), QStringLiteral("Output (start)"), shell.outputHead},
                {1, QStringLiteral("output_tail"), QStringLiteral("Output (end)"), shell.outputTail}};
    }

    void addJsonFields(QJsonObject& object, const Step* step) const override
    {
        const ShellStep* shell = step ? step->as<ShellStep>() : nullptr;
        object.insert(QStringLiteral("command"), shell ? QJsonValue(utf8Text(shell->command)) : QJsonValue());
        object.insert(QStringLiteral("command_base64"), shell ? bytesBase64(shell->command) : QJsonValue());
        object.insert(QStringLiteral("cwd"), shell ? QJsonValue(utf8Text(shell->cwd)) : QJsonValue());
        object.insert(QStringLiteral("shell"), shell ? orNull(shell->shell) : QJsonValue());
        object.insert(QStringLiteral("shell_session_id"), shell ? orNull(shell->shellSessionId) : QJsonValue());
        object.insert(QStringLiteral("exit_code"),
                      shell && shell->exitKnown ? QJsonValue(shell->exitCode) : QJsonValue());
        object.insert(QStringLiteral("signal"), shell && shell->hasExit ? QJsonValue(shell->signal) : QJsonValue());
        object.insert(QStringLiteral("output_truncated"), shell ? QJsonValue(shell->outputTruncated) : QJsonValue());
    }
};

} // namespace

const PresentingFacet& shellPresenting()
{
    static const ShellPresenting facet;
    return facet;
}

} // namespace trailmark::chains
