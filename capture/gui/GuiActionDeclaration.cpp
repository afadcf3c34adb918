#include "capture/gui/GuiActionDeclaration.h"

#include "capture/Platform.h"
#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"
#include "capture/UnsupportedSource.h"
#include "capture/screenshot/ScreenshotDeclaration.h"

#ifdef TRAILMARK_WITH_X11
#include "capture/gui/X11InputSource.h"
#endif

#include <array>

namespace trailmark::capture {
namespace {

const std::array<SourceNeed, 2> kNeeds{{
    {"XInput2 and AT-SPI on X11", &platform::isX11Session, "gui-actions",
     "actions inside GUI apps on %1 need that platform's input and accessibility APIs (UI Automation on Windows, "
     "AXObserver on macOS, libei and AT-SPI on Wayland); not supported yet"},
    {"X11 (libxcb)", &platform::hasX11Build, "gui-actions", "this build has no X11 support (libxcb was not found)"},
}};

const std::array<SourceOption, 1> kOptions{{
    {
        .kind = SourceOption::Kind::Switch,
        .id = "guiActions",
        .flag = {.name = "gui-actions",
                 .help = "Also record clicks, typing, keys and scrolls inside GUI apps, with the UI element each hit "
                         "(AT-SPI) and a screenshot just before each. Text typed into password fields, terminals and "
                         "excluded windows is never recorded."},
        .settings = {.key = "capture/guiActions",
                     .label = QT_TRANSLATE_NOOP("CaptureSources",
                                                "Record clicks, typing and keys inside apps, with the button or field "
                                                "each hit (never the text of password fields)"),
                     .widgetName = "guiActions"},
        .recordTab = {.label = QT_TRANSLATE_NOOP("CaptureSources",
                                                 "Record my clicks and typing inside apps, with the button or field "
                                                 "each hit and the screen before it (never what I type into password "
                                                 "fields)"),
                      .widgetName = "recordGuiActions"},
        .defaultOn = false,
        .announcedAs = "clicks and keys",
    },
}};

bool addGuiActions(const SourceChoices& choices, RecordingContext& context, QString*)
{
    if (!choices.isOn(QStringLiteral("guiActions")))
        return true;
    // Keyframes follow the session's choice of screenshots (declared before this source).
    std::unique_ptr<ScreenGrabber> keyframes;
    QString grabberError;
    if (context.recorder.options().screenshots && !(keyframes = createScreenGrabber(&grabberError)))
        context.warnings->append(QStringLiteral("GUI actions without keyframes: %1").arg(grabberError));
    context.recorder.addSource(createGuiActionSource(std::move(keyframes), context.exclusions));
    return true;
}

} // namespace

std::unique_ptr<CaptureSource> createGuiActionSource(std::unique_ptr<ScreenGrabber> keyframes,
                                                     const WindowExclusionFilter* exclusions, QObject* parent)
{
    if (const SourceNeed* missing = firstUnmetNeed(kNeeds))
        return std::make_unique<UnsupportedSource>(QString::fromUtf8(missing->reportedAs), missing->missingHere(),
                                                   parent);
#ifdef TRAILMARK_WITH_X11
    return std::make_unique<X11InputSource>(std::move(keyframes), exclusions, parent);
#else
    Q_UNUSED(keyframes);
    Q_UNUSED(exclusions);
    return nullptr; // unreachable: hasX11Build() is a need
#endif
}

const SourceDeclaration& guiActionDeclaration()
{
    static const SourceDeclaration declaration{
        .name = QStringLiteral("gui-actions"),
        .records = QStringLiteral("what is clicked and typed inside apps"),
        .needs = kNeeds,
        .options = kOptions,
        .addTo = &addGuiActions,
    };
    return declaration;
}

} // namespace trailmark::capture
