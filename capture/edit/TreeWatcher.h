#pragma once

#include <QHash>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

class QSocketNotifier;

namespace trailmark::capture {

class GitWorkTree;

// One directory tree being watched: a git work tree (with git's ignore rules) or a plain
// directory.
struct WatchedTree
{
    QString root;                     // absolute, no trailing slash
    std::unique_ptr<GitWorkTree> git; // nullptr for a plain directory
    int maxDepth = -1;                // -1: every level; 0: only root itself
    QSet<QString> knownFiles;         // relative paths of the regular files seen
    int watchedDirectories = 0;
    qint64 watchedSinceNs = 0; // CLOCK_REALTIME when its watch began: earlier writes went unseen
};

// What inotify said about one path in a watched tree.
struct Touch
{
    enum Kind
    {
        Opened,  // opened (for reading or writing): a moment to learn its content
        Written, // modified or closed after writing
        Created,
        Deleted,
        MovedFrom, // renamed away; `cookie` pairs it with its MovedTo
        MovedTo,
    };
    WatchedTree* tree = nullptr;
    QString path; // relative to tree->root
    Kind kind = Written;
    quint32 cookie = 0;
    qint64 timeNs = 0; // CLOCK_REALTIME when it was read
};

// Watches directory trees with inotify, event-driven (a QSocketNotifier on the inotify
// descriptor, no polling). Follows directories created or moved in while it runs, and
// never watches .git, what git ignores, or excluded directories. Reports touches of
// regular files only; making sense of them (save dances, renames, diffs) is the
// EditSource's job.
class TreeWatcher final : public QObject
{
    Q_OBJECT

public:
    explicit TreeWatcher(QObject* parent = nullptr);
    ~TreeWatcher() override;

    bool open(QString* error);
    // Directories (absolute) never watched, with everything under them.
    void setExcludedDirectories(const QStringList& directories);
    // Starts watching the tree at root; returns the tree (an existing one when root is
    // already watched, or lies inside a watched tree); nullptr when root cannot be read.
    WatchedTree* addTree(const QString& root, std::unique_ptr<GitWorkTree> git, int maxDepth);
    // The watched tree that holds path (absolute), if any: within its root and its
    // depth (a directory 5 levels below a tree watched 4 deep is in no tree).
    WatchedTree* treeOf(const QString& path) const;
    const std::vector<std::unique_ptr<WatchedTree>>& trees() const { return m_trees; }
    // Whether the tree's git ignores the path, or it is .git or under an excluded directory.
    bool isSkipped(const WatchedTree& tree, const QString& relativePath, bool isDirectory) const;
    int watchCount() const { return static_cast<int>(m_directories.size()); }

    void setTouchHandler(std::function<void(const Touch&)> handler) { m_onTouch = std::move(handler); }
    // Called once the kernel's queue is drained, after the touches of one read.
    // Reads what the kernel has queued now, without waiting for the event loop.
    void readPending() { readEvents(); }
    void setBatchEndHandler(std::function<void()> handler) { m_onBatchEnd = std::move(handler); }

Q_SIGNALS:
    // The watch limit ran out (once per run), or the kernel dropped events.
    void warning(const QString& message);

private:
    struct Directory
    {
        WatchedTree* tree = nullptr;
        QString relativePath; // "" for the root
        int depth = 0;
    };

    void readEvents();
    // Watches the directory and, below it, every directory not skipped. Files found are
    // reported as Created when reportFiles (a directory created while recording: its
    // files may have been written before its watch existed).
    void watchRecursively(WatchedTree& tree, const QString& relativePath, int depth, bool reportFiles);
    bool watchOne(WatchedTree& tree, const QString& relativePath, int depth);
    void warnLimitReached(const QString& directory);

    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    std::vector<std::unique_ptr<WatchedTree>> m_trees;
    QHash<int, Directory> m_directories; // watch descriptor -> directory
    QStringList m_excluded;
    std::function<void(const Touch&)> m_onTouch;
    std::function<void()> m_onBatchEnd;
    bool m_limitWarned = false;
    int m_directoriesMissed = 0;
};

} // namespace trailmark::capture
