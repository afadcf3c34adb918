#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace trailmark::capture {

// A file that changed while no watch saw it, found afterwards by its mtime.
struct UnwatchedChange
{
    QString path; // absolute
    qint64 modifiedNs = 0;
    bool created = false; // not there before (untracked in git; born in the window)
    // The content before, where git knows it (the committed blob); nullopt otherwise.
    std::optional<QByteArray> before;
};

struct UnwatchedScanLimits
{
    int maxFilesVisited = 20'000; // plain directories: entries looked at
    int maxDepth = 6;             // plain directories: levels below the one scanned
    int maxChanges = 200;
};

// What a command changed in a tree nobody watched when it started (`cd repo && sed -i`,
// `git clone URL && cd repo && make` typed at machine speed: the watch comes after the
// command has run). In a git work tree: what `git status` lists against the committed
// content (libgit2; ignored files left out) whose mtime falls in [fromNs, toNs]; in a
// plain directory: a bounded walk for such mtimes. Never scans / or $HOME (nor a work
// tree there): a command in them is far more likely to touch nothing worth an edit.
std::vector<UnwatchedChange> findUnwatchedChanges(const QString& directory, qint64 fromNs, qint64 toNs,
                                                  const UnwatchedScanLimits& limits = {});

// The directories a command line moves to or works in, resolved against cwd in order:
// `cd DIR`, `pushd DIR`, and `-C DIR` (make, git, tar). Words with expansions other than
// a leading ~ are skipped: only the shell knows where they lead.
QStringList directoriesNamedBy(const QString& commandLine, const QString& cwd);

} // namespace trailmark::capture
