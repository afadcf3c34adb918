#pragma once

#include "capture/CaptureSource.h"
#include "capture/edit/ChangeCollector.h"
#include "capture/edit/WithheldFiles.h"

#include <QHash>
#include <QSet>
#include <QStringList>
#include <QTimer>

#include <chrono>
#include <deque>
#include <memory>
#include <vector>

namespace trailmark::capture {

class TreeWatcher;
struct WatchedTree;

struct EditSourceOptions
{
    // Watched from the start (`trailmark record --watch DIR`, Settings).
    QStringList directories;
    // Never watched (Settings).
    QStringList excludedDirectories;
    EditLimits limits;
    // A burst of touches is resolved this long after its last one...
    std::chrono::milliseconds quietPeriod{250};
    // ...or this long after its first, whichever comes first.
    std::chrono::milliseconds maxDelay{2000};
    // Files one command's effects list, and the diff bytes they may hold together.
    int maxFilesPerEvent = 100;
    qint64 maxDiffBytesPerEvent = 256 * 1024;
};

// Records the expert's file edits: watches the work tree of every recorded shell
// command's cwd (its git work tree, or the directory itself) and the directories it is
// given, and stores FileEdit events. A save in an editor is one event with its diff; what
// one shell command changed (`sed -i`, a formatter, `git checkout`) is one event for that
// command, stored when it ends. Follows the other sources through observe(): commands
// say where to watch and what was running, window switches which app was active.
class EditSource final : public CaptureSource
{
    Q_OBJECT

public:
    explicit EditSource(EditSourceOptions options, QObject* parent = nullptr);
    ~EditSource() override;

    QString name() const override { return QStringLiteral("file-edits"); }
    SourceSupport supportHere() const override;
    bool start(EventSink& sink, QString* error) override;
    void stop() override;
    void observe(const v1::Event& event) override;
    void aboutToRecord(const v1::Event& event) override;

    // Adds the secret-file globs of the user's file (WithheldFiles::defaultUserPatternsPath()).
    bool loadWithheldPatterns(const QString& path, QString* error);
    // Starts watching the work tree that holds directory (or directory itself).
    void watchDirectory(const QString& directory);
    int watchCount() const;
    // Resolves what is pending now and stores what is ready (tests, stop()).
    void flushNow(bool everything);

private:
    struct Command
    {
        std::string id;
        std::string shellSession;
        qint64 startNs = 0;
        qint64 endNs = 0; // 0 while it runs
        bool interactiveEditor = false;
        QString cwd;
        QStringList directories; // what it cd's into or names with -C (directoriesNamedBy)
    };
    struct CommandEffects
    {
        std::string commandId;
        WatchedTree* tree = nullptr;
        std::vector<ResolvedChange> changes;
    };

    void onTouch(const Touch& touch);
    const Command* commandAt(qint64 timeNs) const;
    bool activeAppIsEditor() const;
    // commandEffects: what a running command wrote (one event for all of it), not a save.
    void storeEdit(const WatchedTree& tree, std::vector<ResolvedChange> changes, const std::string& commandId,
                   bool commandEffects);
    void storeFinishedEffects(bool everything);
    // Gives each resolved change its cause and stores it, or groups it with its
    // command's effects; a change the shell may not have caught up with waits.
    void attributeResolved(bool everything);
    bool shellMayLag(qint64 changeNs) const;
    // The command ended; what it wrote in a tree first watched after it started (its cwd's,
    // or one it cd'd into) was never seen: found by mtime and made its effects.
    void catchUpUnwatched(const Command& command, const QString& directory);
    bool isAttributed(const std::string& commandId, const WatchedTree* tree, const QString& path) const;
    bool isSkippedPath(const WatchedTree& tree, const QString& relativePath) const;
    bool anyCommandRunning() const;

    EditSourceOptions m_options;
    WithheldFiles m_withheld;
    ChangeCollector m_collector;
    std::unique_ptr<TreeWatcher> m_watcher;
    qint64 m_lastShellEventNs = 0; // the latest shell record's own time
    EventSink* m_sink = nullptr;
    QTimer m_quiet;
    QTimer m_awaitShell;
    std::vector<ResolvedChange> m_resolved; // resolved, cause not settled yet
    QHash<QString, bool> m_directoriesSeen; // cwd -> handled
    QSet<QString> m_caughtUp;               // "<command id> <tree root>" scanned once
    std::deque<Command> m_commands;         // recent, in start order
    std::vector<CommandEffects> m_effects;  // waiting for their command to end
    std::string m_activeApp;
    quint64 m_activeWindow = 0;
};

} // namespace trailmark::capture
