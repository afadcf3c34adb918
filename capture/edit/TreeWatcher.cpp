#include "capture/edit/TreeWatcher.h"

#include "capture/edit/GitWorkTree.h"

#include <QDir>
#include <QFile>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

namespace trailmark::capture {
namespace {

constexpr quint32 kDirectoryMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO |
                                   IN_OPEN | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;

qint64 realtimeNs()
{
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

QString joined(const QString& directory, const QString& name)
{
    return directory.isEmpty() ? name : directory + QLatin1Char('/') + name;
}

QString readLimit()
{
    QFile file(QStringLiteral("/proc/sys/fs/inotify/max_user_watches"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(file.readAll().trimmed());
}

} // namespace

TreeWatcher::TreeWatcher(QObject* parent)
    : QObject(parent)
{}

TreeWatcher::~TreeWatcher()
{
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
}

bool TreeWatcher::open(QString* error)
{
    m_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (m_fd < 0) {
        *error =
            QStringLiteral("cannot watch files for edits: inotify: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &TreeWatcher::readEvents);
    return true;
}

void TreeWatcher::setExcludedDirectories(const QStringList& directories)
{
    m_excluded.clear();
    for (const QString& directory : directories)
        m_excluded.append(QDir::cleanPath(QDir(directory).absolutePath()));
}

WatchedTree* TreeWatcher::treeOf(const QString& path) const
{
    for (const auto& tree : m_trees) {
        if (path == tree->root)
            return tree.get();
        if (!path.startsWith(tree->root + QLatin1Char('/')))
            continue;
        const qsizetype depth = QStringView(path).sliced(tree->root.size() + 1).count(QLatin1Char('/')) + 1;
        if (tree->maxDepth < 0 || depth <= tree->maxDepth)
            return tree.get();
    }
    return nullptr;
}

WatchedTree* TreeWatcher::addTree(const QString& root, std::unique_ptr<GitWorkTree> git, int maxDepth)
{
    const QString cleaned = QDir::cleanPath(root);
    if (WatchedTree* existing = treeOf(cleaned))
        return existing;
    for (const QString& excluded : std::as_const(m_excluded)) {
        if (cleaned == excluded || cleaned.startsWith(excluded + QLatin1Char('/')))
            return nullptr;
    }
    auto tree = std::make_unique<WatchedTree>();
    tree->root = cleaned;
    tree->git = std::move(git);
    tree->maxDepth = maxDepth;
    tree->watchedSinceNs = realtimeNs();
    WatchedTree* added = tree.get();
    m_trees.push_back(std::move(tree));
    watchRecursively(*added, QString(), 0, false);
    return added;
}

bool TreeWatcher::isSkipped(const WatchedTree& tree, const QString& relativePath, bool isDirectory) const
{
    if (relativePath == QLatin1String(".git") || relativePath.startsWith(QLatin1String(".git/")) ||
        relativePath.contains(QLatin1String("/.git/")) || relativePath.endsWith(QLatin1String("/.git")))
        return true;
    if (!m_excluded.isEmpty()) {
        const QString absolute = joined(tree.root, relativePath);
        for (const QString& excluded : m_excluded) {
            if (absolute == excluded || absolute.startsWith(excluded + QLatin1Char('/')))
                return true;
        }
    }
    // Interpreters' caches are written by running code, never edited, and a repository
    // that forgot to ignore them would turn every test run into file changes.
    if (isDirectory) {
        const QString name = relativePath.section(QLatin1Char('/'), -1);
        if (name == QLatin1String("__pycache__") || name == QLatin1String(".pytest_cache") ||
            name == QLatin1String(".mypy_cache") || name == QLatin1String(".ruff_cache"))
            return true;
    }
    if (tree.git)
        return tree.git->isIgnored(relativePath, isDirectory);
    // A plain directory has no ignore rules: skip what no one edits by hand.
    if (isDirectory) {
        const QString name = relativePath.section(QLatin1Char('/'), -1);
        return name.startsWith(QLatin1Char('.')) || name == QLatin1String("node_modules") ||
               name == QLatin1String("venv");
    }
    return false;
}

bool TreeWatcher::watchOne(WatchedTree& tree, const QString& relativePath, int depth)
{
    const QByteArray path = QFile::encodeName(joined(tree.root, relativePath));
    const int wd = inotify_add_watch(m_fd, path.constData(), kDirectoryMask);
    if (wd < 0) {
        if (errno == ENOSPC)
            warnLimitReached(joined(tree.root, relativePath));
        return false;
    }
    if (!m_directories.contains(wd))
        ++tree.watchedDirectories;
    m_directories.insert(wd, {&tree, relativePath, depth});
    return true;
}

void TreeWatcher::watchRecursively(WatchedTree& tree, const QString& relativePath, int depth, bool reportFiles)
{
    // An explicit stack: work trees nest deeper than a thread's stack likes.
    struct Pending
    {
        QString relativePath;
        int depth;
    };
    std::vector<Pending> pending{{relativePath, depth}};
    while (!pending.empty()) {
        const Pending directory = std::move(pending.back());
        pending.pop_back();
        if (!watchOne(tree, directory.relativePath, directory.depth)) {
            if (m_limitWarned)
                ++m_directoriesMissed;
            continue;
        }
        const QByteArray absolute = QFile::encodeName(joined(tree.root, directory.relativePath));
        DIR* stream = opendir(absolute.constData());
        if (!stream)
            continue;
        while (const dirent* entry = readdir(stream)) {
            if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0)
                continue;
            unsigned char type = entry->d_type;
            if (type == DT_UNKNOWN) {
                struct stat status
                {};
                if (fstatat(dirfd(stream), entry->d_name, &status, AT_SYMLINK_NOFOLLOW) != 0)
                    continue;
                type = S_ISDIR(status.st_mode) ? DT_DIR : S_ISREG(status.st_mode) ? DT_REG : DT_UNKNOWN;
            }
            const QString child = joined(directory.relativePath, QFile::decodeName(entry->d_name));
            if (type == DT_DIR) {
                const bool deeper = tree.maxDepth < 0 || directory.depth < tree.maxDepth;
                if (deeper && !isSkipped(tree, child, true))
                    pending.push_back({child, directory.depth + 1});
            } else if (type == DT_REG) {
                // Files of a directory that appeared while recording are new: they are
                // reported, and become known when the EditSource has seen them.
                if (!reportFiles)
                    tree.knownFiles.insert(child);
                else if (m_onTouch && !isSkipped(tree, child, false))
                    m_onTouch({&tree, child, Touch::Created, 0, realtimeNs()});
            }
        }
        closedir(stream);
    }
}

void TreeWatcher::warnLimitReached(const QString& directory)
{
    if (m_limitWarned)
        return;
    m_limitWarned = true;
    Q_EMIT warning(QStringLiteral("the inotify watch limit is used up (fs.inotify.max_user_watches = %1): edits under "
                                  "%2 and directories watched after it are not recorded. Raise the limit with "
                                  "`sudo sysctl fs.inotify.max_user_watches=524288`; the rest is still recorded.")
                       .arg(readLimit(), directory));
}

void TreeWatcher::readEvents()
{
    alignas(inotify_event) char buffer[64 * 1024];
    for (;;) {
        const ssize_t length = ::read(m_fd, buffer, sizeof buffer);
        if (length <= 0) { // EAGAIN: drained
            if (m_onBatchEnd)
                m_onBatchEnd();
            return;
        }
        const qint64 now = realtimeNs();
        for (ssize_t offset = 0; offset < length;) {
            const auto* event = reinterpret_cast<const inotify_event*>(buffer + offset);
            offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
            if (event->mask & IN_Q_OVERFLOW) {
                Q_EMIT warning(QStringLiteral("the kernel dropped file events (inotify queue overflow): some edits "
                                              "in this burst may be missing"));
                continue;
            }
            const auto found = m_directories.constFind(event->wd);
            if (found == m_directories.cend())
                continue;
            const Directory directory = *found;
            if (event->mask & IN_IGNORED) {
                if (directory.tree)
                    --directory.tree->watchedDirectories;
                m_directories.remove(event->wd);
                continue;
            }
            if (event->len == 0)
                continue; // DELETE_SELF / MOVE_SELF: IN_IGNORED follows
            WatchedTree& tree = *directory.tree;
            const QString child = joined(directory.relativePath, QFile::decodeName(event->name));
            if (event->mask & IN_ISDIR) {
                // A directory created or moved in: watch it and what it already holds. One
                // moved within the tree keeps its watches; re-adding updates their paths.
                const bool deeper = tree.maxDepth < 0 || directory.depth < tree.maxDepth;
                if ((event->mask & (IN_CREATE | IN_MOVED_TO)) && deeper && !isSkipped(tree, child, true))
                    watchRecursively(tree, child, directory.depth + 1, true);
                continue;
            }
            if (!m_onTouch || isSkipped(tree, child, false))
                continue;
            Touch touch{&tree, child, Touch::Written, event->cookie, now};
            if (event->mask & IN_OPEN)
                touch.kind = Touch::Opened;
            else if (event->mask & IN_CREATE)
                touch.kind = Touch::Created;
            else if (event->mask & IN_DELETE)
                touch.kind = Touch::Deleted;
            else if (event->mask & IN_MOVED_FROM)
                touch.kind = Touch::MovedFrom;
            else if (event->mask & IN_MOVED_TO)
                touch.kind = Touch::MovedTo;
            m_onTouch(touch);
        }
    }
}

} // namespace trailmark::capture
