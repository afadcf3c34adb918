#include "capture/edit/GitWorkTree.h"

#include <QDir>
#include <QFile>

#include <git2.h>

namespace trailmark::capture {
namespace {

// libgit2 keeps global state (its thread-local error slot, the settings): initialised
// once for the process, before the first repository is opened.
void initialiseLibgit2()
{
    static const int initialised = git_libgit2_init();
    Q_UNUSED(initialised);
}

QByteArray withoutTrailingSlash(QByteArray path)
{
    while (path.size() > 1 && path.endsWith('/'))
        path.chop(1);
    return path;
}

} // namespace

GitWorkTree::GitWorkTree(git_repository* repository, QString root, QByteArray baseCommit)
    : m_repository(repository)
    , m_root(std::move(root))
    , m_baseCommit(std::move(baseCommit))
{}

GitWorkTree::~GitWorkTree()
{
    git_repository_free(m_repository);
}

std::unique_ptr<GitWorkTree> GitWorkTree::discover(const QString& directory)
{
    initialiseLibgit2();
    git_repository* repository = nullptr;
    const QByteArray path = QFile::encodeName(QDir::cleanPath(directory));
    if (git_repository_open_ext(&repository, path.constData(), 0, nullptr) != 0)
        return nullptr;
    const char* workdir = git_repository_workdir(repository);
    if (workdir == nullptr) { // bare
        git_repository_free(repository);
        return nullptr;
    }
    const QString root = QFile::decodeName(withoutTrailingSlash(workdir));
    // A directory inside .git is found by open_ext too; nothing there is the expert's work.
    const QString gitDirectory = root + QStringLiteral("/.git");
    const QString cleaned = QDir::cleanPath(directory);
    if (cleaned == gitDirectory || cleaned.startsWith(gitDirectory + QLatin1Char('/'))) {
        git_repository_free(repository);
        return nullptr;
    }
    QByteArray baseCommit;
    git_oid head;
    if (git_reference_name_to_id(&head, repository, "HEAD") == 0) {
        char hex[GIT_OID_HEXSZ + 1] = {};
        git_oid_tostr(hex, sizeof hex, &head);
        baseCommit = hex;
    }
    return std::unique_ptr<GitWorkTree>(new GitWorkTree(repository, root, baseCommit));
}

bool GitWorkTree::isIgnored(const QString& relativePath, bool isDirectory) const
{
    QByteArray path = QFile::encodeName(relativePath);
    if (isDirectory)
        path.append('/'); // so that directory-only rules ("build/") apply
    int ignored = 0;
    if (git_ignore_path_is_ignored(&ignored, m_repository, path.constData()) != 0)
        return false;
    return ignored != 0;
}

std::optional<QByteArray> GitWorkTree::committedContent(const QString& relativePath) const
{
    if (m_baseCommit.isEmpty())
        return std::nullopt;
    const QByteArray spec = m_baseCommit + ':' + QFile::encodeName(relativePath);
    git_object* object = nullptr;
    if (git_revparse_single(&object, m_repository, spec.constData()) != 0)
        return std::nullopt;
    std::optional<QByteArray> content;
    if (git_object_type(object) == GIT_OBJECT_BLOB) {
        const auto* blob = reinterpret_cast<const git_blob*>(object);
        content = QByteArray(static_cast<const char*>(git_blob_rawcontent(blob)),
                             static_cast<qsizetype>(git_blob_rawsize(blob)));
    }
    git_object_free(object);
    return content;
}

std::vector<GitWorkTree::ChangedPath> GitWorkTree::changedPaths(int maxEntries) const
{
    std::vector<ChangedPath> changed;
    git_status_options options = GIT_STATUS_OPTIONS_INIT;
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    options.flags =
        GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS | GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git_status_list* list = nullptr;
    if (git_status_list_new(&list, m_repository, &options) != 0)
        return changed;
    constexpr unsigned kChanged = GIT_STATUS_WT_NEW | GIT_STATUS_WT_MODIFIED | GIT_STATUS_WT_TYPECHANGE |
                                  GIT_STATUS_WT_RENAMED | GIT_STATUS_INDEX_NEW | GIT_STATUS_INDEX_MODIFIED |
                                  GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE;
    const size_t count = git_status_list_entrycount(list);
    for (size_t i = 0; i < count && static_cast<int>(changed.size()) < maxEntries; ++i) {
        const git_status_entry* entry = git_status_byindex(list, i);
        if ((entry->status & kChanged) == 0)
            continue;
        const git_diff_delta* delta = entry->index_to_workdir ? entry->index_to_workdir : entry->head_to_index;
        if (delta == nullptr || delta->new_file.path == nullptr)
            continue;
        const bool notCommitted = (entry->status & (GIT_STATUS_WT_NEW | GIT_STATUS_INDEX_NEW)) != 0 &&
                                  !committedContent(QFile::decodeName(delta->new_file.path));
        changed.push_back({QFile::decodeName(delta->new_file.path), notCommitted});
    }
    git_status_list_free(list);
    return changed;
}

QByteArray unifiedDiff(const std::optional<QByteArray>& before, const std::optional<QByteArray>& after,
                       const QString& oldPath, const QString& newPath, int context)
{
    initialiseLibgit2();
    if (before == after)
        return {};
    git_diff_options options = GIT_DIFF_OPTIONS_INIT;
    options.context_lines = static_cast<uint32_t>(context);
    // Hunks closer than this many lines are one hunk: an edit tool call replaces one
    // stretch of text, and two changes a few lines apart are one change to a reader.
    options.interhunk_lines = 8;
    const QByteArray oldName = QFile::encodeName(oldPath);
    const QByteArray newName = QFile::encodeName(newPath);
    git_patch* patch = nullptr;
    const int status = git_patch_from_buffers(
        &patch, before ? before->constData() : nullptr, before ? static_cast<size_t>(before->size()) : 0,
        oldName.constData(), after ? after->constData() : nullptr, after ? static_cast<size_t>(after->size()) : 0,
        newName.constData(), &options);
    if (status != 0)
        return {};
    git_buf text = GIT_BUF_INIT;
    QByteArray diff;
    if (git_patch_to_buf(&text, patch) == 0)
        diff = QByteArray(text.ptr, static_cast<qsizetype>(text.size));
    git_buf_dispose(&text);
    git_patch_free(patch);
    return diff;
}

} // namespace trailmark::capture
