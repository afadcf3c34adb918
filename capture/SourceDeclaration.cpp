#include "capture/SourceDeclaration.h"

#include "capture/Platform.h"

namespace trailmark::capture {

QString SourceNeed::missingHere() const
{
    QString words = QString::fromUtf8(missing);
    return words.contains(QLatin1String("%1")) ? words.arg(currentPlatform()) : words;
}

const SourceNeed* firstUnmetNeed(std::span<const SourceNeed> needs)
{
    for (const SourceNeed& need : needs) {
        if (!need.met())
            return &need;
    }
    return nullptr;
}

} // namespace trailmark::capture
