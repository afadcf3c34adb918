#include "capture/edit/ChangeCollector.h"

#include "capture/edit/GitWorkTree.h"
#include "capture/edit/WithheldFiles.h"

#include <QFile>

#include <algorithm>
#include <sys/stat.h>

namespace trailmark::capture {
namespace {

// A write this soon after a baseline was read on an open may have raced the read.
constexpr qint64 kSnapshotRaceNs = 100'000'000;

// git's own test for binary content: a NUL byte in the first 8000 bytes.
bool looksBinary(const QByteArray& content)
{
    return content.left(8000).contains('\0');
}

QString absolutePath(const WatchedTree& tree, const QString& relativePath)
{
    return tree.root + QLatin1Char('/') + relativePath;
}

// Cuts a diff at the last whole line within the cap.
QByteArray capped(QByteArray diff, qint64 cap, bool* truncated)
{
    *truncated = diff.size() > cap;
    if (!*truncated)
        return diff;
    diff.truncate(static_cast<qsizetype>(cap));
    const qsizetype lastNewline = diff.lastIndexOf('\n');
    if (lastNewline >= 0)
        diff.truncate(lastNewline + 1);
    return diff;
}

} // namespace

ChangeCollector::ChangeCollector(const WithheldFiles& withheld, EditLimits limits)
    : m_withheld(withheld)
    , m_limits(limits)
{}

bool ChangeCollector::isEditorScratch(const QString& relativePath)
{
    const QString name = relativePath.section(QLatin1Char('/'), -1);
    if (name.isEmpty())
        return true;
    // vim swap files (.x.swp, .x.swo, ..., and 4913's kin are caught as transient),
    // backups (x~), emacs auto-saves (#x#) and locks (.#x), kate swap, JetBrains and
    // gedit temporaries.
    static const QRegularExpression vimSwap(QStringLiteral("\\.sw[a-p]$"));
    return name.endsWith(QLatin1Char('~')) || (name.startsWith(QLatin1Char('#')) && name.endsWith(QLatin1Char('#'))) ||
           name.startsWith(QLatin1String(".#")) ||
           (name.startsWith(QLatin1Char('.')) && vimSwap.match(name).hasMatch()) ||
           name.endsWith(QLatin1String(".kate-swp")) || name.endsWith(QLatin1String("___jb_tmp___")) ||
           name.endsWith(QLatin1String("___jb_old___")) || name.startsWith(QLatin1String(".goutputstream-"));
}

qint64 ChangeCollector::latestPendingChangeNs() const
{
    qint64 latest = 0;
    for (const Pending& pending : m_pending) {
        struct stat status
        {};
        qint64 when = pending.lastNs; // a deleted file: when its deletion was read
        if (lstat(QFile::encodeName(absolutePath(*pending.tree, pending.path)).constData(), &status) == 0) {
            const qint64 modified = static_cast<qint64>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
            when = std::min(modified, pending.lastNs);
        }
        latest = std::max(latest, when);
    }
    return latest;
}

qint64 ChangeCollector::oldestPendingNs() const
{
    qint64 oldest = 0;
    for (const Pending& pending : m_pending) {
        if (oldest == 0 || pending.firstNs < oldest)
            oldest = pending.firstNs;
    }
    return oldest;
}

void ChangeCollector::add(const Touch& touch)
{
    if (isEditorScratch(touch.path))
        return;
    const QString absolute = absolutePath(*touch.tree, touch.path);
    if (touch.kind == Touch::Opened) {
        m_opened.insert(absolute, touch);
        return;
    }
    const auto snapshot = m_snapshotNs.constFind(absolute);
    if (snapshot != m_snapshotNs.cend()) {
        if (touch.timeNs - *snapshot < kSnapshotRaceNs)
            remember(*touch.tree, touch.path, std::nullopt);
        m_snapshotNs.erase(snapshot);
    }
    auto pending = m_pending.find(absolute);
    if (pending == m_pending.end())
        pending = m_pending.insert(absolute, {touch.tree, touch.path, touch.timeNs, touch.timeNs, true});
    pending->lastNs = std::max(pending->lastNs, touch.timeNs);
    if (touch.kind == Touch::MovedFrom || touch.kind == Touch::MovedTo) {
        Rename& rename = m_renames[touch.cookie];
        rename.tree = touch.tree;
        (touch.kind == Touch::MovedFrom ? rename.from : rename.to) = touch.path;
    }
}

void ChangeCollector::addUnwatched(WatchedTree& tree, const QString& relativePath, qint64 modifiedNs, bool created,
                                   const std::optional<QByteArray>& before)
{
    // A file read or changed since the watch began was seen: what a touch said wins.
    if (isEditorScratch(relativePath) || isPending(tree, relativePath) ||
        m_baselines.contains(absolutePath(tree, relativePath)))
        return;
    // The tree's first walk listed the file as there before; a created one was not.
    if (created)
        tree.knownFiles.remove(relativePath);
    else
        tree.knownFiles.insert(relativePath);
    remember(tree, relativePath, before);
    m_pending.insert(absolutePath(tree, relativePath), {&tree, relativePath, modifiedNs, modifiedNs, true});
}

bool ChangeCollector::isPending(const WatchedTree& tree, const QString& relativePath) const
{
    return m_pending.contains(absolutePath(tree, relativePath));
}

void ChangeCollector::endBatch(qint64 nowNs)
{
    for (auto it = m_opened.cbegin(); it != m_opened.cend(); ++it) {
        // Our own reads open files too; a file with a baseline or a change waiting needs
        // none, and one written in the same batch was read too late.
        if (m_pending.contains(it.key()) || m_baselines.contains(it.key()) || m_withheld.isWithheld(it->path))
            continue;
        const FileState state = readState(*it->tree, it->path);
        if (state.exists && state.content) {
            remember(*it->tree, it->path, state.content);
            m_snapshotNs.insert(it.key(), nowNs);
        }
    }
    m_opened.clear();
}

ChangeCollector::FileState ChangeCollector::readState(const WatchedTree& tree, const QString& path) const
{
    FileState state;
    const QString absolute = absolutePath(tree, path);
    struct stat status
    {};
    if (lstat(QFile::encodeName(absolute).constData(), &status) != 0 || !S_ISREG(status.st_mode))
        return state;
    state.exists = true;
    state.size = status.st_size;
    state.modifiedNs = static_cast<qint64>(status.st_mtim.tv_sec) * 1'000'000'000 + status.st_mtim.tv_nsec;
    if (state.size > m_limits.maxFileBytes) {
        state.overCap = true;
        return state;
    }
    QFile file(absolute);
    if (!file.open(QIODevice::ReadOnly))
        return state;
    QByteArray content = file.read(m_limits.maxFileBytes + 1);
    state.size = content.size();
    if (looksBinary(content))
        state.binary = true;
    else
        state.content = std::move(content);
    return state;
}

std::optional<QByteArray> ChangeCollector::takeBaseline(WatchedTree& tree, const QString& path, bool* known)
{
    const QString absolute = absolutePath(tree, path);
    const auto cached = m_baselines.constFind(absolute);
    if (cached != m_baselines.cend()) {
        *known = true;
        return *cached;
    }
    if (tree.git) {
        if (auto committed = tree.git->committedContent(path)) {
            *known = true;
            if (looksBinary(*committed))
                return std::nullopt;
            return committed;
        }
    }
    *known = false;
    return std::nullopt;
}

void ChangeCollector::remember(WatchedTree& tree, const QString& path, const std::optional<QByteArray>& content)
{
    const QString absolute = absolutePath(tree, path);
    const auto previous = m_baselines.constFind(absolute);
    if (previous != m_baselines.cend()) {
        m_baselineBytes -= previous->size();
        m_baselines.erase(previous);
    }
    if (!content)
        return;
    // Past the budget, forget everything: later diffs fall back to the committed blobs.
    if (m_baselineBytes + content->size() > m_limits.baselineCacheBytes) {
        m_baselines.clear();
        m_baselineBytes = 0;
    }
    m_baselines.insert(absolute, *content);
    m_baselineBytes += content->size();
}

ResolvedChange ChangeCollector::resolve(WatchedTree& tree, const QString& oldPath, const QString& path,
                                        bool existedBefore, qint64 firstNs)
{
    ResolvedChange resolved;
    resolved.tree = &tree;
    resolved.firstTouchNs = firstNs;
    v1::FileChange& change = resolved.change;
    change.set_path(path.toStdString());
    const FileState after = readState(tree, path);
    // The file's own clock says when it was written; the kernel's event is read a
    // little later, after the next command may have started.
    if (after.exists && after.modifiedNs > 0 && after.modifiedNs < resolved.firstTouchNs)
        resolved.firstTouchNs = after.modifiedNs;
    if (!oldPath.isEmpty()) {
        change.set_kind(v1::FileChange::KIND_RENAMED);
        change.set_old_path(oldPath.toStdString());
    } else if (existedBefore && after.exists) {
        change.set_kind(v1::FileChange::KIND_MODIFIED);
    } else if (after.exists) {
        change.set_kind(v1::FileChange::KIND_CREATED);
    } else {
        change.set_kind(v1::FileChange::KIND_DELETED);
    }
    const QString beforePath = oldPath.isEmpty() ? path : oldPath;
    bool baselineKnown = false;
    std::optional<QByteArray> before;
    if (change.kind() != v1::FileChange::KIND_CREATED)
        before = takeBaseline(tree, beforePath, &baselineKnown);
    if (!oldPath.isEmpty())
        remember(tree, oldPath, std::nullopt);
    remember(tree, path, after.exists ? after.content : std::nullopt);
    if (after.exists)
        tree.knownFiles.insert(path);
    else
        tree.knownFiles.remove(path);
    if (!oldPath.isEmpty())
        tree.knownFiles.remove(oldPath);

    const bool modified = change.kind() == v1::FileChange::KIND_MODIFIED;
    if (modified && baselineKnown && before && after.content && *before == *after.content) {
        change.set_kind(v1::FileChange::KIND_UNSPECIFIED); // written, not changed (:w twice)
        return resolved;
    }
    change.set_size_before(before ? static_cast<quint64>(before->size()) : 0);
    change.set_size_after(after.exists ? static_cast<quint64>(after.size) : 0);
    if (m_withheld.isWithheld(path) || (!oldPath.isEmpty() && m_withheld.isWithheld(oldPath))) {
        change.set_content_withheld(true);
        return resolved;
    }
    if (after.overCap) {
        change.set_over_size_cap(true);
        return resolved;
    }
    if (after.binary || (baselineKnown && !before && change.kind() != v1::FileChange::KIND_DELETED)) {
        change.set_binary(true);
        return resolved;
    }
    std::optional<QByteArray> beforeText = before;
    if ((modified || !oldPath.isEmpty()) && !baselineKnown) {
        change.set_baseline_unknown(true);
        beforeText = QByteArray(); // all we can say: this is the content now
    }
    const std::optional<QByteArray> afterText = after.exists ? after.content : std::nullopt;
    bool truncated = false;
    resolved.diff = capped(unifiedDiff(beforeText, afterText, beforePath, path), m_limits.maxDiffBytes, &truncated);
    change.set_diff_truncated(truncated);
    if (resolved.diff.isEmpty() && modified)
        change.set_kind(v1::FileChange::KIND_UNSPECIFIED); // nothing differs
    return resolved;
}

std::vector<ResolvedChange> ChangeCollector::flush()
{
    std::vector<ResolvedChange> changes;
    const auto keep = [&changes](ResolvedChange change) {
        if (change.change.kind() != v1::FileChange::KIND_UNSPECIFIED)
            changes.push_back(std::move(change));
    };
    // Renames first: a file that was there and is now under another name that was not.
    QSet<QString> consumed;
    for (const Rename& rename : std::as_const(m_renames)) {
        if (rename.from.isEmpty() || rename.to.isEmpty())
            continue;
        WatchedTree& tree = *rename.tree;
        if (!tree.knownFiles.contains(rename.from) || tree.knownFiles.contains(rename.to))
            continue; // a temp file moved over the real one: a change of `to`, below
        if (readState(tree, rename.from).exists || !readState(tree, rename.to).exists)
            continue;
        const QString from = absolutePath(tree, rename.from);
        const QString to = absolutePath(tree, rename.to);
        const qint64 firstNs = std::min(m_pending.value(from).firstNs, m_pending.value(to).firstNs);
        keep(resolve(tree, rename.from, rename.to, true, firstNs));
        consumed.insert(from);
        consumed.insert(to);
    }
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (consumed.contains(it.key()))
            continue;
        WatchedTree& tree = *it->tree;
        const bool existedBefore = tree.knownFiles.contains(it->path);
        if (!existedBefore && !readState(tree, it->path).exists)
            continue; // created and gone within the burst: vim's 4913, a temp file
        keep(resolve(tree, QString(), it->path, existedBefore, it->firstNs));
    }
    m_pending.clear();
    m_renames.clear();
    std::sort(changes.begin(), changes.end(),
              [](const ResolvedChange& a, const ResolvedChange& b) { return a.change.path() < b.change.path(); });
    return changes;
}

} // namespace trailmark::capture
