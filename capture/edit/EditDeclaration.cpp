#include "capture/edit/EditDeclaration.h"

#include "capture/Recorder.h"
#include "capture/SourceDeclaration.h"
#include "capture/edit/EditSource.h"
#include "capture/edit/WithheldFiles.h"

#include <QFileInfo>

#include <array>

namespace trailmark::capture {
namespace {

bool checkWithheldPatterns(const QString& path, QString* error)
{
    return WithheldFiles().loadUserPatterns(path, error);
}

// Settings apply to every recording (`record` reads them too, so an excluded folder is
// excluded however a recording starts); `record`'s flags narrow or add to them.
const std::array<SourceOption, 4> kOptions{{
    {
        .kind = SourceOption::Kind::Switch,
        .id = "edits",
        .flag = {.name = "no-edits", .help = "Record no file edits."},
        .settings = {.key = "edits/enabled",
                     .label = QT_TRANSLATE_NOOP("CaptureSources",
                                                "Record file edits in the folders where commands run, and these:"),
                     .widgetName = "recordEdits"},
        .defaultOn = true,
    },
    {
        .kind = SourceOption::Kind::DirectoryList,
        .id = "watch",
        .flag = {.name = "watch",
                 .help = "Also record file edits under DIR (its git work tree, or DIR itself); repeatable. The work "
                         "trees of recorded commands are watched anyway.",
                 .valueName = "DIR"},
        .settings = {.key = "edits/watch",
                     .label = QT_TRANSLATE_NOOP("CaptureSources", "Watch folders:"),
                     .hint = QT_TRANSLATE_NOOP("CaptureSources", "One folder per line, e.g. ~/notes. Git work trees "
                                                                 "of your commands are watched anyway."),
                     .widgetName = "watchFolders"},
        .mustExist = true,
        .enabledBy = "edits",
    },
    {
        .kind = SourceOption::Kind::DirectoryList,
        .id = "excludeDirs",
        .flag = {.name = "exclude-dir", .help = "Never record edits under DIR; repeatable.", .valueName = "DIR"},
        .settings = {.key = "edits/exclude",
                     .label = QT_TRANSLATE_NOOP("CaptureSources", "Never watch:"),
                     .hint =
                         QT_TRANSLATE_NOOP("CaptureSources", "One folder per line: nothing under it is ever recorded."),
                     .widgetName = "neverWatchFolders"},
    },
    {
        .kind = SourceOption::Kind::RuleFile,
        .id = "withheldFiles",
        .settings = {.label = QT_TRANSLATE_NOOP("CaptureSources", "Withhold files:"),
                     .hint = QT_TRANSLATE_NOOP("CaptureSources",
                                               "One file pattern per line (* and ?), e.g. secrets.yaml: recorded as "
                                               "edited, never their content. .env, keys and credentials are already."),
                     .widgetName = "withheldFiles"},
        .rulePath = &WithheldFiles::defaultUserPatternsPath,
        .checkRules = &checkWithheldPatterns,
    },
}};

bool addEditSource(const SourceChoices& choices, RecordingContext& context, QString* error)
{
    if (!choices.isOn(QStringLiteral("edits")))
        return true;
    EditSourceOptions options;
    options.directories = choices.directories(QStringLiteral("watch"));
    options.excludedDirectories = choices.directories(QStringLiteral("excludeDirs"));
    // Trailmark's own files change as it records: watching them would record the
    // recording (the database, its WAL, the shell spool).
    // (The files, not their folder: a database may live in the project it records.)
    const QString database = QFileInfo(context.recorder.options().databasePath).absoluteFilePath();
    for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"})
        options.excludedDirectories.append(database + QLatin1String(suffix));
    options.excludedDirectories.append(context.spoolDirectory);
    auto edits = std::make_unique<EditSource>(options);
    if (!edits->loadWithheldPatterns(WithheldFiles::defaultUserPatternsPath(), error))
        return false;
    context.recorder.addSource(std::move(edits));
    return true;
}

} // namespace

const SourceDeclaration& editDeclaration()
{
    // Needs inotify: EditSource says so itself where there is none.
    static const SourceDeclaration declaration{
        .name = QStringLiteral("edits"),
        .records = QStringLiteral("file edits"),
        .needs = {},
        .options = kOptions,
        .addTo = &addEditSource,
    };
    return declaration;
}

} // namespace trailmark::capture
