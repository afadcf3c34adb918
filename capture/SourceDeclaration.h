#pragma once

#include "capture/SourceChoices.h"
#include "capture/screenshot/ScreenshotTrigger.h"

#include <QString>
#include <QStringList>

#include <span>

namespace trailmark::capture {

class Recorder;
class WindowExclusionFilter;

// One thing a user can choose about a source, described once for every place that
// offers it: the `record` flag, the Settings dialog's entry and the Record tab's choice.
// Plain data (text is in English, marked for translation where people read it in the
// app), so the CLI and the GUI build their widgets by reading it and name no source.
//
// Where a value comes from: an option on the Record tab is chosen for each recording
// (its setting only remembers the last choice; `record` takes its flag or the default).
// Any other setting applies to every recording however it starts: `record`'s flag turns
// a switch away from its default, and its directories add to the setting's.
struct SourceOption
{
    enum class Kind
    {
        Switch,        // on or off; a `record` flag turns it away from its default
        DirectoryList, // folders; a repeatable `record` flag with a DIR value
        Number,        // a whole number in [minimum, maximum]; a `record` flag with a value
        KeySequence,   // a global shortcut (Settings only)
        RuleFile,      // a file of rules edited in place in Settings (not a QSettings value)
    };

    // The `record` flag (without "--"); nullptr when the CLI does not offer it.
    struct Flag
    {
        const char* name = nullptr;
        const char* help = nullptr;
        const char* valueName = nullptr; // DIR, MS: for flags that take a value
    };
    // The Settings dialog's entry; no label when the dialog does not show it.
    struct SettingsEntry
    {
        const char* key = nullptr;   // QSettings key (kept stable: users' files hold it)
        const char* label = nullptr; // a switch's checkbox text, else its row label
        const char* hint = nullptr;  // placeholder text of a list or rule file
        const char* widgetName = nullptr;
    };
    // A checkbox on the Record tab, for switches chosen per recording.
    struct RecordTabChoice
    {
        const char* label = nullptr;
        const char* tooltip = nullptr;
        const char* widgetName = nullptr;
    };

    Kind kind = Kind::Switch;
    const char* id = nullptr; // key in SourceChoices, unique across sources
    Flag flag{};
    SettingsEntry settings{};
    RecordTabChoice recordTab{};
    bool defaultOn = false;       // Switch
    const char* defaultText = ""; // KeySequence (portable text)
    int defaultNumber = 0;        // Number, and its range and unit for messages
    int minimum = 0;
    int maximum = 0;
    const char* unit = nullptr;      // "milliseconds"
    bool mustExist = false;          // DirectoryList: `record` refuses a folder that is not there
    const char* enabledBy = nullptr; // id of a switch that greys this entry out in Settings
    // Said in the window title and status bar while a recording with this switch on runs
    // ("clicks and keys"), for choices people must not forget are on.
    const char* announcedAs = nullptr;
    // RuleFile: where the file is, and whether a copy of it at path loads.
    QString (*rulePath)() = nullptr;
    bool (*checkRules)(const QString& path, QString* error) = nullptr;

    bool onRecordTab() const { return recordTab.label != nullptr; }
    bool inSettings() const { return settings.label != nullptr; }
};

// Something a source needs to run: the platform, X11 in this build, ... Where it is
// missing, the source reports `missing` under the name `reportedAs` instead of
// recording (honestly "not supported yet", never a fake).
struct SourceNeed
{
    const char* what = nullptr; // "X11", "a Wayland compositor protocol", ...
    bool (*met)() = nullptr;
    const char* reportedAs = nullptr;
    const char* missing = nullptr; // %1: the platform (currentPlatform())

    QString missingHere() const;
};

// The first need of needs that is not met here; nullptr when all are.
const SourceNeed* firstUnmetNeed(std::span<const SourceNeed> needs);

// What a source's factory builds with, shared by every source of one recording.
struct RecordingContext
{
    Recorder& recorder; // addSource(), setScreenGrabber(), options()
    // The user's window exclusions, owned by the recorder for the whole recording.
    const WindowExclusionFilter* exclusions = nullptr;
    // Where the shell hooks write; Trailmark's own files, like the database.
    QString spoolDirectory;
    // What merely cannot run here; recording goes on without it.
    QStringList* warnings = nullptr;
};

// A capture source as the registry knows it: its name, what it records (for `record
// --help`), what it needs, the options people choose, and the factory that adds it to a
// recording. Declared once, in the source's own folder; listed in SourceRegistry.cpp.
struct SourceDeclaration
{
    QString name{};
    QString records{}; // "shell commands": a phrase of `record`'s description
    std::span<const SourceNeed> needs{};
    std::span<const SourceOption> options{};
    // Adds the source to the recording, as the choices say. False only when the recording
    // must not start (a broken config file); what cannot run here is a warning.
    bool (*addTo)(const SourceChoices& choices, RecordingContext& context, QString* error) = nullptr;
    // When the source's events call for a picture of a window (nullptr: never).
    ScreenshotTrigger screenshotTrigger = nullptr;
};

} // namespace trailmark::capture
