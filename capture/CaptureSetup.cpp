#include "capture/CaptureSetup.h"

#include "capture/Platform.h"
#include "capture/Recorder.h"
#include "capture/edit/EditSettings.h"
#include "capture/edit/EditSource.h"
#include "capture/redact/RedactionRules.h"
#include "capture/redact/Redactor.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/shell/ShellSpoolSource.h"

#include <QFileInfo>

namespace trailmark::capture {

bool StandardCapture::addTo(Recorder& recorder, const CaptureChoices& choices, QStringList* warnings, QString* error)
{
    auto exclusions = std::make_unique<WindowExclusionFilter>();
    if (!exclusions->loadUserRules(WindowExclusionFilter::defaultUserRulesPath(), error))
        return false;
    const auto rules = RedactionRules::load(error);
    if (!rules)
        return false;
    // The recorder owns the filter for the whole recording, so sources may hold it.
    const WindowExclusionFilter* exclusionRules = exclusions.get();
    recorder.setWindowExclusions(std::move(exclusions));
    recorder.addFilter(std::make_unique<Redactor>(*rules));

    recorder.addSource(createWindowSource());
    // Shell commands from the spool land in this recording.
    recorder.addSource(std::make_unique<ShellSpoolSource>(choices.spoolDirectory));
    if (choices.edits && EditSettings::enabled()) {
        EditSourceOptions options;
        // The user's Settings always apply; a recording's own choices add to them.
        options.directories = EditSettings::watchDirectories() + choices.watchDirectories;
        options.excludedDirectories = EditSettings::excludedDirectories() + choices.excludedDirectories;
        // Trailmark's own files change as it records: watching them would record the
        // recording (the database, its WAL, the shell spool).
        // (The files, not their folder: a database may live in the project it records.)
        const QString database = QFileInfo(recorder.options().databasePath).absoluteFilePath();
        for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"})
            options.excludedDirectories.append(database + QLatin1String(suffix));
        options.excludedDirectories.append(choices.spoolDirectory);
        auto edits = std::make_unique<EditSource>(options);
        if (!edits->loadWithheldPatterns(WithheldFiles::defaultUserPatternsPath(), error))
            return false;
        recorder.addSource(std::move(edits));
    }
    if (choices.guiActions) {
        std::unique_ptr<ScreenGrabber> keyframes;
        QString grabberError;
        if (choices.screenshots && !(keyframes = createScreenGrabber(&grabberError)))
            warnings->append(QStringLiteral("GUI actions without keyframes: %1").arg(grabberError));
        recorder.addSource(createGuiActionSource(std::move(keyframes), exclusionRules));
    }
    if (choices.screenshots) {
        QString grabberError;
        if (auto grabber = createScreenGrabber(&grabberError))
            recorder.setScreenGrabber(std::move(grabber));
        else
            warnings->append(QStringLiteral("no screenshots: %1").arg(grabberError));
    }
    return true;
}

} // namespace trailmark::capture
