#include "chains/families/PresentingFacet.h"

namespace trailmark::chains {

QString PresentingFacet::toolLabel(const Step& step) const
{
    return step.toolText();
}

QString PresentingFacet::outcomeLabel(const Step& step) const
{
    return toString(step.outcome);
}

TimelineLane PresentingFacet::lane(const Step& step) const
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
