#include "capture/note/NoteDeclaration.h"

#include "capture/SourceDeclaration.h"

#include <QtGlobal>

#include <array>

namespace trailmark::capture {
namespace {

const std::array<SourceOption, 1> kOptions{{
    {
        .kind = SourceOption::Kind::KeySequence,
        .id = "noteHotkey",
        .settings = {.key = "capture/noteHotkey", .label = QT_TRANSLATE_NOOP("CaptureSources", "Note hotkey:")},
        .defaultText = "Ctrl+Alt+N",
    },
}};

bool addNothing(const SourceChoices&, RecordingContext&, QString*)
{
    return true;
}

} // namespace

const SourceDeclaration& noteDeclaration()
{
    static const SourceDeclaration declaration{
        .name = QStringLiteral("notes"),
        .records = QStringLiteral("notes (`trailmark note`)"),
        .needs = {},
        .options = kOptions,
        .addTo = &addNothing,
    };
    return declaration;
}

} // namespace trailmark::capture
