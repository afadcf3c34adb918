#pragma once

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>
#include <vector>

struct git_repository;

namespace trailmark::capture {

// The parts of git the edit watcher needs, through libgit2: where a directory's work
// tree is, what git ignores there (every rule git itself reads: .gitignore files at
// every level, .git/info/exclude, core.excludesFile), and a file's committed content.
// Never hand-parsed: gitignore's rules (negation, directory-only patterns, `**`) are
// easy to get almost right.
class GitWorkTree
{
public:
    ~GitWorkTree();
    GitWorkTree(const GitWorkTree&) = delete;
    GitWorkTree& operator=(const GitWorkTree&) = delete;

    // The work tree that holds directory; nullptr when it is in none (or in a bare
    // repository, or under .git itself).
    static std::unique_ptr<GitWorkTree> discover(const QString& directory);

    // Absolute path of the work tree, without a trailing slash.
    const QString& root() const { return m_root; }
    // Whether git ignores the path (relative to root, '/'-separated).
    bool isIgnored(const QString& relativePath, bool isDirectory) const;
    // The file's content in the commit that was HEAD when the work tree was discovered;
    // nullopt when it is not in it (or there was no commit). Pinned, not HEAD now: after
    // `git checkout` HEAD already holds the new content the checkout wrote.
    std::optional<QByteArray> committedContent(const QString& relativePath) const;

    // A file git status lists against the commit checked out now: changed in the work
    // tree or the index, or untracked and not ignored.
    struct ChangedPath
    {
        QString relativePath;
        bool notCommitted = false; // untracked, or added to the index only
    };
    // At most maxEntries of them (deleted files are not listed: they have no time).
    std::vector<ChangedPath> changedPaths(int maxEntries) const;

private:
    GitWorkTree(git_repository* repository, QString root, QByteArray baseCommit);

    git_repository* m_repository = nullptr;
    QString m_root;
    QByteArray m_baseCommit; // hex object id; empty in a repository without commits
};

// A unified diff in git's form ("diff --git a/P b/P", "--- a/P" or "--- /dev/null",
// "+++ b/P", hunks with `context` lines around each change), from libgit2's own diff.
// An absent side (a created or deleted file) is nullopt. Empty when nothing differs.
QByteArray unifiedDiff(const std::optional<QByteArray>& before, const std::optional<QByteArray>& after,
                       const QString& oldPath, const QString& newPath, int context = 3);

} // namespace trailmark::capture
