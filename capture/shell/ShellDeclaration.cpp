#include "capture/shell/ShellDeclaration.h"

#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"
#include "capture/shell/ShellSpoolSource.h"

namespace trailmark::capture {
namespace {

bool addShellSource(const SourceChoices&, RecordingContext& context, QString*)
{
    // Shell commands from the spool land in this recording.
    context.recorder.addSource(std::make_unique<ShellSpoolSource>(context.spoolDirectory));
    return true;
}

} // namespace

const SourceDeclaration& shellDeclaration()
{
    // Needs nothing of the platform: the hooks write plain files wherever a shell runs,
    // and a spool no shell writes to records nothing.
    static const SourceDeclaration declaration{
        .name = QStringLiteral("shell"),
        .records = QStringLiteral("shell commands"),
        .needs = {},
        .options = {},
        .addTo = &addShellSource,
    };
    return declaration;
}

} // namespace trailmark::capture
