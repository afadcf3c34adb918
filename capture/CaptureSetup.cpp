#include "capture/CaptureSetup.h"

#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"
#include "capture/redact/RedactionRules.h"
#include "capture/redact/Redactor.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/shell/SpoolDirectory.h"

namespace trailmark::capture {

bool StandardCapture::addTo(Recorder& recorder, const SourceChoices& choices, QStringList* warnings, QString* error)
{
    auto exclusions = std::make_unique<WindowExclusionFilter>();
    if (!exclusions->loadUserRules(WindowExclusionFilter::defaultUserRulesPath(), error))
        return false;
    const auto rules = RedactionRules::load(error);
    if (!rules)
        return false;
    // The recorder owns the filter for the whole recording, so sources may hold it.
    RecordingContext context{recorder, exclusions.get(), spoolDirectory(), warnings};
    recorder.setWindowExclusions(std::move(exclusions));
    recorder.addFilter(std::make_unique<Redactor>(*rules));

    for (const SourceDeclaration* source : sources::all()) {
        if (!source->addTo(choices, context, error))
            return false;
        if (source->screenshotTrigger != nullptr)
            recorder.addScreenshotTrigger(source->screenshotTrigger);
    }
    return true;
}

} // namespace trailmark::capture
