#include "Step.h"

#include "Vocabulary.h"

#include <algorithm>

namespace trailmark::chains {
namespace {

QString lossyText(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

// Titles listed in an observation; a session that churns titles (a progress counter in
// the title bar) would otherwise drown the chain.
constexpr qsizetype kMaxTitlesShown = 20;

} // namespace

const char* nameOf(StepTool tool)
{
    switch (tool) {
    case StepTool::Shell:
        return "shell";
    case StepTool::App:
        return "app";
    case StepTool::Note:
        return "note";
    }
    return "";
}

const char* nameOf(StepOutcome outcome)
{
    switch (outcome) {
    case StepOutcome::Ok:
        return "ok";
    case StepOutcome::Error:
        return "error";
    case StepOutcome::Interrupted:
        return "interrupted";
    case StepOutcome::Unknown:
        return "unknown";
    }
    return "";
}

QString toString(StepTool tool)
{
    switch (tool) {
    case StepTool::Shell:
        return QStringLiteral("shell");
    case StepTool::App:
        return QStringLiteral("app");
    case StepTool::Note:
        return QStringLiteral("note");
    }
    return {};
}

QString toString(StepOutcome outcome)
{
    switch (outcome) {
    case StepOutcome::Ok:
        return QStringLiteral("ok");
    case StepOutcome::Error:
        return QStringLiteral("error");
    case StepOutcome::Interrupted:
        return QStringLiteral("interrupted");
    case StepOutcome::Unknown:
        return QStringLiteral("unknown");
    }
    return {};
}

QString Step::actionText() const
{
    switch (tool) {
    case StepTool::Shell:
        return lossyText(command);
    case StepTool::App: {
        const QString app = appClass.isEmpty() ? QStringLiteral("(unknown app)") : appClass;
        if (excluded)
            return QStringLiteral("switch to %1 (window excluded)").arg(app);
        return titles.isEmpty() || titles.first().isEmpty()
                   ? QStringLiteral("switch to %1").arg(app)
                   : QStringLiteral("switch to %1 — %2").arg(app, titles.first());
    }
    case StepTool::Note:
        return noteText;
    }
    return {};
}

Step::ObservationParts Step::observationParts() const
{
    ObservationParts parts;
    if (outputCaptured) {
        parts.head = outputHead;
        if (outputTruncated) {
            const quint64 shown = outputHead.size() + outputTail.size();
            if (!outputHead.empty() && outputHead.back() != '\n')
                parts.middle = "\n";
            parts.middle += "[... " + std::to_string(outputBytes > shown ? outputBytes - shown : 0) +
                            " bytes of output omitted ...]\n";
            parts.tail = outputTail;
        }
    } else if (hasExit) {
        parts.middle = "[output not captured]";
    }
    const std::string_view last = !parts.tail.empty()     ? parts.tail
                                  : !parts.middle.empty() ? std::string_view(parts.middle)
                                                          : parts.head;
    if (!last.empty() && last.back() != '\n')
        parts.status = "\n";
    if (!hasExit)
        parts.status += "[no exit status recorded: interrupted, or the recording stopped]";
    else if (!exitKnown)
        parts.status += "[exit status not recorded by the source]";
    else if (signal != 0)
        parts.status += "[killed by signal " + std::to_string(signal) + ", exit code " + std::to_string(exitCode) + "]";
    else
        parts.status += "[exit code " + std::to_string(exitCode) + "]";
    return parts;
}

std::string Step::observationUtf8() const
{
    if (tool != StepTool::Shell) {
        const QByteArray utf8 = observationText().toUtf8();
        return std::string(utf8.constData(), static_cast<size_t>(utf8.size()));
    }
    const ObservationParts parts = observationParts();
    std::string text;
    text.reserve(parts.head.size() + parts.middle.size() + parts.tail.size() + parts.status.size());
    text.append(parts.head).append(parts.middle).append(parts.tail).append(parts.status);
    return text;
}

QString Step::observationText() const
{
    switch (tool) {
    case StepTool::Shell:
        return lossyText(observationUtf8());
    case StepTool::App: {
        if (excluded)
            return QStringLiteral("(window excluded from capture)");
        QString text = QStringLiteral("Window title: %1").arg(titles.value(0));
        const qsizetype shown = std::min(titles.size(), kMaxTitlesShown);
        for (qsizetype i = 1; i < shown; ++i)
            text += QStringLiteral("\nThen: %1").arg(titles.at(i));
        if (titles.size() > shown)
            text += QStringLiteral("\n(%1 more title changes)").arg(titles.size() - shown);
        return text;
    }
    case StepTool::Note:
        return {};
    }
    return {};
}

std::optional<int> Step::rating() const
{
    for (auto it = annotations.crbegin(); it != annotations.crend(); ++it) {
        if (it->has_rating())
            return it->rating();
    }
    return std::nullopt;
}

QStringList Step::labels() const
{
    QStringList result;
    for (const auto& annotation : annotations) {
        for (const auto& label : annotation.labels())
            result.append(QString::fromStdString(label));
    }
    result.sort();
    result.removeDuplicates();
    return result;
}

v1::Annotation::Verdict Trajectory::verdict() const
{
    return vocabulary::latestVerdict(sessionAnnotations);
}

int Trajectory::errorCount() const
{
    return static_cast<int>(
        std::count_if(steps.begin(), steps.end(), [](const Step& s) { return s.outcome == StepOutcome::Error; }));
}

int Trajectory::retryCount() const
{
    return static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const Step& s) { return s.retryOf >= 0; }));
}

int Trajectory::recoveryCount() const
{
    return static_cast<int>(std::count_if(steps.begin(), steps.end(), [](const Step& s) { return s.recovers >= 0; }));
}

} // namespace trailmark::chains
