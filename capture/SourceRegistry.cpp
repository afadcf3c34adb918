#include "capture/SourceRegistry.h"

#include "capture/SourceDeclaration.h"
#include "capture/edit/EditDeclaration.h"
#include "capture/gui/GuiActionDeclaration.h"
#include "capture/note/NoteDeclaration.h"
#include "capture/screenshot/ScreenshotDeclaration.h"
#include "capture/shell/ShellDeclaration.h"
#include "capture/window/WindowDeclaration.h"

#include <array>

namespace trailmark::capture::sources {
namespace {

// The registration list: a new source is one more line here (and its folder).
// Window activity starts first and GUI actions after file edits, as they always have;
// screenshots come before GUI actions, whose keyframes follow the session's choice.
const std::array kSources{
    &windowDeclaration(),     // capture/window/
    &shellDeclaration(),      // capture/shell/
    &editDeclaration(),       // capture/edit/
    &noteDeclaration(),       // capture/note/
    &screenshotDeclaration(), // capture/screenshot/
    &guiActionDeclaration(),  // capture/gui/
};

} // namespace

std::span<const SourceDeclaration* const> all()
{
    return kSources;
}

const SourceDeclaration* named(const QString& name)
{
    for (const SourceDeclaration* source : kSources) {
        if (source->name == name)
            return source;
    }
    return nullptr;
}

const SourceOption* option(const QString& id)
{
    for (const SourceDeclaration* source : kSources) {
        for (const SourceOption& option : source->options) {
            if (QLatin1String(option.id) == id)
                return &option;
        }
    }
    return nullptr;
}

} // namespace trailmark::capture::sources
