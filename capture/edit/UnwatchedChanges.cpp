#include "capture/edit/UnwatchedChanges.h"

#include "capture/edit/GitWorkTree.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

namespace trailmark::capture {
namespace {

qint64 toNs(const struct statx_timestamp& time)
{
    return qint64(time.tv_sec) * 1'000'000'000 + time.tv_nsec;
}

struct FileTimes
{
    bool regular = false;
    qint64 modifiedNs = 0;
    qint64 bornNs = 0; // 0 where the file system does not keep it
};

FileTimes timesOf(const QString& path)
{
    FileTimes times;
    struct statx status
    {};
    if (statx(AT_FDCWD, QFile::encodeName(path).constData(), AT_SYMLINK_NOFOLLOW,
              STATX_TYPE | STATX_MTIME | STATX_BTIME, &status) != 0)
        return times;
    times.regular = S_ISREG(status.stx_mode);
    times.modifiedNs = toNs(status.stx_mtime);
    if (status.stx_mask & STATX_BTIME)
        times.bornNs = toNs(status.stx_btime);
    return times;
}

// Too wide to look through: the root, the home directory and what holds it.
bool tooWide(const QString& directory)
{
    const QString home = QDir::cleanPath(QDir::homePath());
    return directory == QDir::rootPath() || directory == home || home.startsWith(directory + QLatin1Char('/'));
}

void scanGit(const GitWorkTree& git, qint64 fromNs, qint64 toNs, const UnwatchedScanLimits& limits,
             std::vector<UnwatchedChange>& found)
{
    for (const GitWorkTree::ChangedPath& changed : git.changedPaths(limits.maxFilesVisited)) {
        if (static_cast<int>(found.size()) >= limits.maxChanges)
            return;
        const QString path = git.root() + QLatin1Char('/') + changed.relativePath;
        const FileTimes times = timesOf(path);
        if (!times.regular || times.modifiedNs < fromNs || times.modifiedNs > toNs)
            continue;
        UnwatchedChange change{path, times.modifiedNs, changed.notCommitted, std::nullopt};
        if (!change.created)
            change.before = git.committedContent(changed.relativePath);
        found.push_back(std::move(change));
    }
}

// Depth-first, bounded by files looked at and depth; hidden directories and
// node_modules/venv are what no one edits by hand (as TreeWatcher skips them). A work
// tree inside (a clone, a project folder) is asked of git: its ignore rules and its
// committed content.
void scanPlain(const QString& directory, int depth, qint64 fromNs, qint64 toNs, const UnwatchedScanLimits& limits,
               int& visited, std::vector<UnwatchedChange>& found)
{
    DIR* dir = opendir(QFile::encodeName(directory).constData());
    if (dir == nullptr)
        return;
    QStringList subdirectories;
    while (const dirent* entry = readdir(dir)) {
        if (++visited > limits.maxFilesVisited || static_cast<int>(found.size()) >= limits.maxChanges)
            break;
        const QString name = QFile::decodeName(entry->d_name);
        if (name == QLatin1String(".") || name == QLatin1String(".."))
            continue;
        const QString path = directory + QLatin1Char('/') + name;
        if (entry->d_type == DT_DIR) {
            if (!name.startsWith(QLatin1Char('.')) && name != QLatin1String("node_modules") &&
                name != QLatin1String("venv") && name != QLatin1String("__pycache__"))
                subdirectories.append(path);
            continue;
        }
        const FileTimes times = timesOf(path);
        if (!times.regular || times.modifiedNs < fromNs || times.modifiedNs > toNs)
            continue;
        const bool born = times.bornNs >= fromNs && times.bornNs <= toNs;
        found.push_back({path, times.modifiedNs, born, std::nullopt});
    }
    closedir(dir);
    if (depth >= limits.maxDepth)
        return;
    for (const QString& subdirectory : std::as_const(subdirectories)) {
        if (QFileInfo::exists(subdirectory + QStringLiteral("/.git"))) {
            if (auto git = GitWorkTree::discover(subdirectory)) {
                scanGit(*git, fromNs, toNs, limits, found);
                continue;
            }
        }
        scanPlain(subdirectory, depth + 1, fromNs, toNs, limits, visited, found);
    }
}

// Splits a command line into words and the separators between commands (; & | ( ) and
// newline, each its own token), as far as needed to find directories: quotes are
// removed, and a word with an expansion keeps its '$' or '`' so that it can be skipped.
QStringList wordsOf(const QString& line)
{
    QStringList words;
    QString word;
    bool inWord = false;
    const auto endWord = [&] {
        if (inWord)
            words.append(word);
        word.clear();
        inWord = false;
    };
    for (qsizetype i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            const qsizetype close = line.indexOf(c, i + 1);
            if (close < 0)
                return words;
            word += line.mid(i + 1, close - i - 1);
            inWord = true;
            i = close;
        } else if (c == QLatin1Char(' ') || c == QLatin1Char('\t')) {
            endWord();
        } else if (QStringLiteral(";&|()\n").contains(c)) {
            endWord();
            words.append(QString(c));
        } else {
            word += c;
            inWord = true;
        }
    }
    endWord();
    return words;
}

bool isSeparator(const QString& word)
{
    return word.size() == 1 && QStringLiteral(";&|()\n").contains(word[0]);
}

// DIR resolved against base; empty when only the shell could say (an expansion, `cd -`).
QString resolved(const QString& word, const QString& base)
{
    if (word.isEmpty() || word.contains(QLatin1Char('$')) || word.contains(QLatin1Char('`')) ||
        word == QLatin1String("-"))
        return {};
    if (word == QLatin1String("~"))
        return QDir::homePath();
    if (word.startsWith(QLatin1String("~/")))
        return QDir::cleanPath(QDir::homePath() + word.mid(1));
    if (word.startsWith(QLatin1Char('~')))
        return {}; // another user's home
    if (base.isEmpty() && !QDir::isAbsolutePath(word))
        return {};
    return QDir::cleanPath(QDir(base).absoluteFilePath(word));
}

} // namespace

std::vector<UnwatchedChange> findUnwatchedChanges(const QString& directory, qint64 fromNs, qint64 toNs,
                                                  const UnwatchedScanLimits& limits)
{
    std::vector<UnwatchedChange> found;
    const QString cleaned = QDir::cleanPath(directory);
    if (cleaned.isEmpty() || tooWide(cleaned))
        return found;
    if (auto git = GitWorkTree::discover(cleaned)) {
        if (!tooWide(git->root()))
            scanGit(*git, fromNs, toNs, limits, found);
        return found;
    }
    int visited = 0;
    scanPlain(cleaned, 0, fromNs, toNs, limits, visited, found);
    return found;
}

QStringList directoriesNamedBy(const QString& commandLine, const QString& cwd)
{
    QStringList directories;
    QString base = QDir::cleanPath(cwd);
    const QStringList words = wordsOf(commandLine);
    bool commandStart = true;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString& word = words[i];
        if (isSeparator(word)) {
            commandStart = true;
            continue;
        }
        const bool changesDirectory = commandStart && (word == QLatin1String("cd") || word == QLatin1String("pushd"));
        commandStart = false;
        if (changesDirectory) {
            qsizetype target = i + 1;
            while (target < words.size() &&
                   (words[target] == QLatin1String("-P") || words[target] == QLatin1String("-L")))
                ++target;
            if (target >= words.size() || isSeparator(words[target])) {
                base = QDir::homePath(); // `cd` alone
                continue;
            }
            base = resolved(words[target], base); // empty: lost track of where the shell is
            if (!base.isEmpty() && !directories.contains(base))
                directories.append(base);
            i = target;
        } else if (word == QLatin1String("-C") && i + 1 < words.size() && !isSeparator(words[i + 1])) {
            const QString directory = resolved(words[i + 1], base);
            if (!directory.isEmpty() && !directories.contains(directory))
                directories.append(directory);
            ++i;
        }
    }
    return directories;
}

} // namespace trailmark::capture
