#include "capture/screenshot/ScreenshotDeclaration.h"

#include "capture/Platform.h"
#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"

#ifdef TRAILMARK_WITH_X11
#include "capture/x11/X11ScreenGrabber.h"
#endif

#include <array>

namespace trailmark::capture {
namespace {

const std::array<SourceNeed, 2> kNeeds{{
    {"X11", &platform::isX11Session, "screenshots", "screenshots on %1 are not supported yet"},
    {"X11 (libxcb)", &platform::hasX11Build, "screenshots", "this build has no X11 support (libxcb was not found)"},
}};

const std::array<SourceOption, 2> kOptions{{
    {
        .kind = SourceOption::Kind::Switch,
        .id = "screenshots",
        .flag = {.name = "no-screenshots", .help = "Take no screenshots in this session."},
        .settings = {.key = "capture/screenshots",
                     .label =
                         QT_TRANSLATE_NOOP("CaptureSources", "Take screenshots of the active window while recording")},
        .recordTab = {.label = QT_TRANSLATE_NOOP("CaptureSources", "Take screenshots of the windows I switch to")},
        .defaultOn = true,
    },
    {
        .kind = SourceOption::Kind::Number,
        .id = "screenshotDelay",
        .flag = {.name = "screenshot-delay",
                 .help = "Milliseconds to wait after a switch before the screenshot, so the window has painted "
                         "(default 300).",
                 .valueName = "MS"},
        .defaultNumber = 300,
        .minimum = 0,
        .maximum = 60'000,
        .unit = "milliseconds",
    },
}};

bool addScreenshots(const SourceChoices& choices, RecordingContext& context, QString*)
{
    const bool enabled = choices.isOn(QStringLiteral("screenshots"));
    context.recorder.setScreenshots(enabled,
                                    std::chrono::milliseconds(choices.number(QStringLiteral("screenshotDelay"))));
    if (!enabled)
        return true;
    QString grabberError;
    if (auto grabber = createScreenGrabber(&grabberError))
        context.recorder.setScreenGrabber(std::move(grabber));
    else
        context.warnings->append(QStringLiteral("no screenshots: %1").arg(grabberError));
    return true;
}

} // namespace

std::unique_ptr<ScreenGrabber> createScreenGrabber(QString* error)
{
    if (const SourceNeed* missing = firstUnmetNeed(kNeeds)) {
        *error = missing->missingHere();
        return nullptr;
    }
#ifdef TRAILMARK_WITH_X11
    return X11ScreenGrabber::create(error);
#else
    return nullptr; // unreachable: hasX11Build() is a need
#endif
}

const SourceDeclaration& screenshotDeclaration()
{
    static const SourceDeclaration declaration{
        .name = QStringLiteral("screenshots"),
        .records = QStringLiteral("screenshots"),
        .needs = kNeeds,
        .options = kOptions,
        .addTo = &addScreenshots,
    };
    return declaration;
}

} // namespace trailmark::capture
