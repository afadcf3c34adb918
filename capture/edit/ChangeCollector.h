#pragma once

#include "capture/edit/TreeWatcher.h"
#include "trailmark/v1/event.pb.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace trailmark::capture {

class WithheldFiles;

// Limits on what one change may hold.
struct EditLimits
{
    qint64 maxFileBytes = 1 << 20;        // larger files: "over size cap", no diff
    qint64 maxDiffBytes = 64 * 1024;      // per file
    qint64 baselineCacheBytes = 64 << 20; // content kept to diff the next change against
};

// One file's change, resolved: what the FileEdit event will list, and its diff.
struct ResolvedChange
{
    WatchedTree* tree = nullptr;
    v1::FileChange change;
    QByteArray diff;
    qint64 firstTouchNs = 0;
};

// Turns the touches of a burst into changes the way a person sees them. It compares the
// files' state at the end of the burst with the state before it, not event by event, so
// an editor's save dance is one change: vim's 4913 probe and its backup rename, a
// write-to-temp-and-rename (VS Code, JetBrains, `sed -i`, Python's atomic save), several
// writes in a row. Files created and gone within the burst were never there; swap and
// backup files (.swp, ~, #file#) are never changes. The content before a change is the
// last content seen (when the file was opened or last changed), else the committed blob,
// else unknown.
class ChangeCollector
{
public:
    ChangeCollector(const WithheldFiles& withheld, EditLimits limits);

    void add(const Touch& touch);
    // A change no touch reported: the file was written before its tree was watched (see
    // UnwatchedChanges). before is its content then, where known; a file seen since the
    // watch began (a touch pending, content read) keeps what was seen.
    void addUnwatched(WatchedTree& tree, const QString& relativePath, qint64 modifiedNs, bool created,
                      const std::optional<QByteArray>& before);
    bool isPending(const WatchedTree& tree, const QString& relativePath) const;
    // After the touches of one read from the kernel: learns the content of files that
    // were opened and not (yet) written, the content the next change is diffed against.
    void endBatch(qint64 nowNs);
    bool hasPending() const { return !m_pending.isEmpty(); }
    qint64 oldestPendingNs() const;
    // When the newest pending change happened, by the files' mtimes where they exist
    // (never later than the event was read): older than a command's start means the
    // command did not make it.
    qint64 latestPendingChangeNs() const;
    // Resolves every pending touch; changes in path order.
    std::vector<ResolvedChange> flush();

    // Whether a file name is an editor's scratch file (swap, backup, lock), never a change.
    static bool isEditorScratch(const QString& relativePath);

private:
    struct Pending
    {
        WatchedTree* tree = nullptr;
        QString path;
        qint64 firstNs = 0;
        qint64 lastNs = 0;
        bool changed = false; // anything but an open
    };
    struct Rename
    {
        WatchedTree* tree = nullptr;
        QString from;
        QString to;
    };
    struct FileState
    {
        bool exists = false;
        qint64 size = 0;
        std::optional<QByteArray> content; // nullopt: binary, too big or unreadable
        bool binary = false;
        bool overCap = false;
        qint64 modifiedNs = 0; // st_mtim
    };

    FileState readState(const WatchedTree& tree, const QString& path) const;
    std::optional<QByteArray> takeBaseline(WatchedTree& tree, const QString& path, bool* known);
    void remember(WatchedTree& tree, const QString& path, const std::optional<QByteArray>& content);
    ResolvedChange resolve(WatchedTree& tree, const QString& oldPath, const QString& path, bool existedBefore,
                           qint64 firstNs);

    const WithheldFiles& m_withheld;
    EditLimits m_limits;
    QHash<QString, Pending> m_pending;      // absolute path -> pending
    QHash<quint32, Rename> m_renames;       // inotify cookie -> pair
    QHash<QString, QByteArray> m_baselines; // absolute path -> last content seen
    QHash<QString, Touch> m_opened;         // opened in this batch, absolute path -> touch
    // Baselines read on an open, absolute path -> when: a write that follows within
    // moments may have raced the read (sed, a formatter), so such a baseline is dropped.
    QHash<QString, qint64> m_snapshotNs;
    qint64 m_baselineBytes = 0;
};

} // namespace trailmark::capture
