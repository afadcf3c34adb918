#include "chains/families/EventFamily.h"

#include "chains/export/JsonWriter.h"

namespace trailmark::chains {

std::string EventFamily::observationUtf8(const Step& step) const
{
    const QByteArray utf8 = observationText(step).toUtf8();
    return std::string(utf8.constData(), static_cast<size_t>(utf8.size()));
}

void EventFamily::writeAction(JsonWriter& json, const Step& step) const
{
    json.value(actionText(step));
}

void EventFamily::writeObservation(JsonWriter& json, const Step& step) const
{
    json.value(observationText(step));
}

QString EventFamily::toolLabel(const Step& step) const
{
    return step.toolText();
}

QString EventFamily::outcomeLabel(const Step& step) const
{
    return toString(step.outcome);
}

TimelineLane EventFamily::lane(const Step& step) const
{
    return {step.toolText(), step.toolText()};
}

QString oneLine(QString text, qsizetype maxLength)
{
    text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
    if (text.size() > maxLength)
        text = text.left(maxLength - 1) + QStringLiteral("…");
    return text;
}

} // namespace trailmark::chains
