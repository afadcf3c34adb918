#include "capture/window/WindowDeclaration.h"

#include "capture/Platform.h"
#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"
#include "capture/UnsupportedSource.h"
#include "trailmark/v1/event.pb.h"

#ifdef TRAILMARK_WITH_X11
#include "capture/x11/X11WindowSource.h"
#endif

#include <array>

namespace trailmark::capture {
namespace {

const std::array<SourceNeed, 4> kNeeds{{
    {"SetWinEventHook on Windows", &platform::isNotWindows, "windows-foreground",
     "window activity on Windows needs a SetWinEventHook(EVENT_SYSTEM_FOREGROUND) source; not supported yet"},
    {"NSWorkspace on macOS", &platform::isNotMacos, "macos-workspace",
     "window activity on macOS needs NSWorkspace activation notifications and an accessibility title observer; "
     "not supported yet"},
    {"a compositor protocol on Wayland", &platform::isNotWayland, "wayland-toplevels",
     "window activity on Wayland needs a compositor-specific protocol (KWin script, wlr-foreign-toplevel); not "
     "supported yet"},
    {"X11 (libxcb)", &platform::hasX11Build, "x11-windows", "this build has no X11 support (libxcb was not found)"},
}};

// A switch that passed the filters asks for a picture of the window switched to; an
// excluded one cancels the picture still waiting.
std::optional<WindowShot> shotOfSwitch(const v1::Event& event)
{
    if (!event.has_app_switch())
        return std::nullopt;
    return WindowShot{event.app_switch().window_id(), event.app_switch().excluded()};
}

bool addWindowSource(const SourceChoices&, RecordingContext& context, QString*)
{
    context.recorder.addSource(createWindowSource());
    return true;
}

} // namespace

std::unique_ptr<CaptureSource> createWindowSource(QObject* parent)
{
    if (const SourceNeed* missing = firstUnmetNeed(kNeeds))
        return std::make_unique<UnsupportedSource>(QString::fromUtf8(missing->reportedAs), missing->missingHere(),
                                                   parent);
#ifdef TRAILMARK_WITH_X11
    return std::make_unique<X11WindowSource>(parent);
#else
    return nullptr; // unreachable: hasX11Build() is a need
#endif
}

const SourceDeclaration& windowDeclaration()
{
    static const SourceDeclaration declaration{
        .name = QStringLiteral("windows"),
        .records = QStringLiteral("window switches and titles"),
        .needs = kNeeds,
        .options = {},
        .addTo = &addWindowSource,
        .screenshotTrigger = &shotOfSwitch,
    };
    return declaration;
}

} // namespace trailmark::capture
