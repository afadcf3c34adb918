#include "capture/edit/EditSource.h"

#include "capture/edit/GitWorkTree.h"
#include "capture/edit/TreeWatcher.h"
#include "capture/edit/UnwatchedChanges.h"
#include "trailmark/v1/event.pb.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>

namespace trailmark::capture {
namespace {

constexpr qint64 kMs = 1'000'000;
// Shell hooks stamp a command's start before it runs and its end after it exits; a
// write is read from inotify a little after it happened. Within these margins a change
// belongs to the command.
constexpr qint64 kStartSkewNs = 50 * kMs;
constexpr qint64 kEndLagNs = 300 * kMs;
// After a command ends, its last writes are resolved this much later.
constexpr std::chrono::milliseconds kAfterCommand{400};
// How long changes wait for the shell's records to catch up with them, and how often
// they look; a shell counts as in use this long after its last record.
constexpr qint64 kSpoolCatchUpNs = 1500 * kMs;
constexpr std::chrono::milliseconds kSpoolRecheck{50};
constexpr qint64 kShellActiveNs = 3000 * kMs;

// The program a command line runs: past variable assignments and sudo/env/command/exec.
QString programOf(const std::string& commandLine)
{
    const QStringList words = QString::fromUtf8(commandLine.data(), qsizetype(commandLine.size()))
                                  .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString& word : words) {
        if (word.contains(QLatin1Char('=')) && !word.startsWith(QLatin1Char('=')))
            continue;
        if (word == QLatin1String("sudo") || word == QLatin1String("env") || word == QLatin1String("command") ||
            word == QLatin1String("exec") || word == QLatin1String("nohup") || word.startsWith(QLatin1Char('-')))
            continue;
        return word.section(QLatin1Char('/'), -1);
    }
    return {};
}

// Editors that run in a terminal: each of their saves is an edit of its own, not an
// effect of the command that started them.
bool isTerminalEditor(const QString& program)
{
    static const QStringList editors{
        QStringLiteral("vim"),
        QStringLiteral("vi"),
        QStringLiteral("nvim"),
        QStringLiteral("view"),
        QStringLiteral("vimdiff"),
        QStringLiteral("nano"),
        QStringLiteral("pico"),
        QStringLiteral("emacs"),
        QStringLiteral("emacsclient"),
        QStringLiteral("micro"),
        QStringLiteral("hx"),
        QStringLiteral("helix"),
        QStringLiteral("kak"),
        QStringLiteral("ne"),
        QStringLiteral("joe"),
        QStringLiteral("jed"),
        QStringLiteral("mcedit"),
        QStringLiteral("ed"),
        QStringLiteral("sensible-editor"),
        QStringLiteral("editor"),
    };
    return editors.contains(program);
}

// Windows whose saves are edits even while a command runs in some shell (a dev server
// left running while the expert edits in an IDE).
bool isGuiEditor(const std::string& appClass)
{
    const QString name = QString::fromStdString(appClass).toLower();
    static const QStringList editors{
        QStringLiteral("code"),
        QStringLiteral("vscodium"),
        QStringLiteral("jetbrains"),
        QStringLiteral("gedit"),
        QStringLiteral("kate"),
        QStringLiteral("kwrite"),
        QStringLiteral("emacs"),
        QStringLiteral("sublime"),
        QStringLiteral("geany"),
        QStringLiteral("mousepad"),
        QStringLiteral("pluma"),
        QStringLiteral("xed"),
        QStringLiteral("gnome-text-editor"),
        QStringLiteral("zed"),
        QStringLiteral("gvim"),
        QStringLiteral("neovide"),
    };
    return std::any_of(editors.cbegin(), editors.cend(),
                       [&name](const QString& editor) { return name.contains(editor); });
}

} // namespace

EditSource::EditSource(EditSourceOptions options, QObject* parent)
    : CaptureSource(parent)
    , m_options(std::move(options))
    , m_collector(m_withheld, m_options.limits)
{
    m_quiet.setSingleShot(true);
    connect(&m_quiet, &QTimer::timeout, this, [this] { flushNow(false); });
    m_awaitShell.setSingleShot(true);
    connect(&m_awaitShell, &QTimer::timeout, this, [this] {
        attributeResolved(false);
        storeFinishedEffects(false);
    });
}

EditSource::~EditSource() = default;

SourceSupport EditSource::supportHere() const
{
#ifdef Q_OS_LINUX
    return {true, {}};
#else
    return {false, tr("recording file edits needs inotify; not supported on this platform yet")};
#endif
}

bool EditSource::loadWithheldPatterns(const QString& path, QString* error)
{
    return m_withheld.loadUserPatterns(path, error);
}

bool EditSource::start(EventSink& sink, QString* error)
{
    m_watcher = std::make_unique<TreeWatcher>();
    if (!m_watcher->open(error))
        return false;
    m_watcher->setExcludedDirectories(m_options.excludedDirectories);
    connect(m_watcher.get(), &TreeWatcher::warning, this, &CaptureSource::warning);
    m_watcher->setTouchHandler([this](const Touch& touch) { onTouch(touch); });
    m_watcher->setBatchEndHandler([this] { m_collector.endBatch(QDateTime::currentMSecsSinceEpoch() * 1'000'000); });
    m_sink = &sink;
    for (const QString& directory : std::as_const(m_options.directories))
        watchDirectory(directory);
    return true;
}

void EditSource::stop()
{
    if (!m_sink)
        return;
    flushNow(true);
    m_quiet.stop();
    m_awaitShell.stop();
    m_watcher.reset();
    m_sink = nullptr;
}

int EditSource::watchCount() const
{
    return m_watcher ? m_watcher->watchCount() : 0;
}

void EditSource::watchDirectory(const QString& directory)
{
    if (!m_watcher || directory.isEmpty())
        return;
    const QString absolute = QDir::cleanPath(QDir(directory).absolutePath());
    if (m_directoriesSeen.contains(absolute))
        return;
    m_directoriesSeen.insert(absolute, true);
    if (m_watcher->treeOf(absolute) || !QFileInfo(absolute).isDir())
        return;
    if (auto git = GitWorkTree::discover(absolute)) {
        const QString root = git->root();
        if (!m_watcher->treeOf(root))
            m_watcher->addTree(root, std::move(git), -1);
        return;
    }
    // Outside any repository: the directory, a few levels down, never all of $HOME or /.
    const bool tooWide = absolute == QDir::homePath() || absolute == QDir::rootPath();
    m_watcher->addTree(absolute, nullptr, tooWide ? 0 : 4);
}

void EditSource::observe(const v1::Event& event)
{
    switch (event.body_case()) {
    case v1::Event::kCommandStarted: {
        const auto& started = event.command_started();
        Command command;
        command.id = started.command_id();
        command.shellSession = started.shell_session_id();
        command.startNs = event.time_ns();
        const QString program = programOf(started.command());
        command.interactiveEditor = isTerminalEditor(program);
        command.cwd = QFile::decodeName(QByteArray::fromStdString(started.cwd()));
        command.directories = directoriesNamedBy(QString::fromStdString(started.command()), command.cwd);
        // `exit` ends its shell before any end record: it runs no program, writes nothing.
        if (program == QLatin1String("exit") || program == QLatin1String("logout"))
            command.endNs = command.startNs;
        // A shell runs one command line at a time: one still open in the same shell
        // lost its end record (killed terminal, recording started mid-way).
        for (Command& earlier : m_commands) {
            if (earlier.endNs == 0 && !command.shellSession.empty() && earlier.shellSession == command.shellSession)
                earlier.endNs = std::max(earlier.startNs, command.startNs);
        }
        m_lastShellEventNs = std::max<qint64>(m_lastShellEventNs, event.time_ns());
        // The prompt's cwd may be one the shell's last command moved to and wrote in
        // (`cd $(mktemp -d) && ...`, where the line does not say where).
        const auto previous = std::find_if(m_commands.crbegin(), m_commands.crend(), [&](const Command& c) {
            return c.shellSession == command.shellSession && !command.shellSession.empty();
        });
        const std::optional<Command> before =
            previous != m_commands.crend() && previous->endNs != 0 ? std::optional<Command>(*previous) : std::nullopt;
        const QString cwd = command.cwd;
        m_commands.push_back(std::move(command));
        while (m_commands.size() > 256)
            m_commands.pop_front();
        watchDirectory(cwd);
        if (before && before->cwd != cwd)
            catchUpUnwatched(*before, cwd);
        break;
    }
    case v1::Event::kCommandFinished: {
        const auto& finished = event.command_finished();
        m_lastShellEventNs = std::max<qint64>(m_lastShellEventNs, event.time_ns());
        for (auto it = m_commands.rbegin(); it != m_commands.rend(); ++it) {
            if (it->id == finished.command_id()) {
                it->endNs = std::max<qint64>(event.time_ns(), it->startNs);
                const Command ended = *it; // catching up may watch trees, not change m_commands
                catchUpUnwatched(ended, ended.cwd);
                for (const QString& directory : ended.directories)
                    catchUpUnwatched(ended, directory);
                break;
            }
        }
        // Its last writes may still be on their way: resolve them a little later.
        QTimer::singleShot(kAfterCommand, this, [this] { flushNow(false); });
        break;
    }
    case v1::Event::kAppSwitch:
        m_activeApp = event.app_switch().app_class();
        m_activeWindow = event.app_switch().window_id();
        break;
    default:
        break;
    }
}

void EditSource::aboutToRecord(const v1::Event& event)
{
    // The expert is at the prompt again: what the last command or the editor wrote is
    // done, and is stored before the next command, not after it.
    if (!event.has_command_started() || !m_watcher)
        return;
    m_lastShellEventNs = std::max<qint64>(m_lastShellEventNs, event.time_ns());
    m_watcher->readPending();
    // Unless the command already wrote: its own start may reach the recorder after its
    // first writes (the spool is read a few milliseconds late), and those wait for the
    // usual quiet period, by when the command is known.
    if (m_collector.hasPending() && m_collector.latestPendingChangeNs() < event.time_ns())
        flushNow(false);
    else if (!m_resolved.empty())
        attributeResolved(false);
}

void EditSource::onTouch(const Touch& touch)
{
    m_collector.add(touch);
    if (!m_collector.hasPending())
        return;
    const qint64 age = touch.timeNs - m_collector.oldestPendingNs();
    if (age >= std::chrono::nanoseconds(m_options.maxDelay).count())
        flushNow(false);
    else
        m_quiet.start(m_options.quietPeriod);
}

const EditSource::Command* EditSource::commandAt(qint64 timeNs) const
{
    // In order of how sure the match is: a command running when the change was seen;
    // one that had just exited (its last writes read late); one that started a moment
    // after (the margins of the stamps). A command typed right after `sed -i` starts
    // within the margin of sed's write, so the running command must win.
    const auto find = [this](auto&& matches) -> const Command* {
        for (auto it = m_commands.rbegin(); it != m_commands.rend(); ++it) {
            if (matches(*it))
                return &*it;
        }
        return nullptr;
    };
    if (const Command* running =
            find([timeNs](const Command& c) { return c.startNs <= timeNs && (c.endNs == 0 || timeNs <= c.endNs); }))
        return running;
    if (const Command* justEnded = find([timeNs](const Command& c) {
            return c.startNs <= timeNs && c.endNs != 0 && timeNs <= c.endNs + kEndLagNs;
        }))
        return justEnded;
    return find([timeNs](const Command& c) {
        return c.startNs > timeNs && c.startNs <= timeNs + kStartSkewNs && (c.endNs == 0 || timeNs <= c.endNs);
    });
}

bool EditSource::activeAppIsEditor() const
{
    return isGuiEditor(m_activeApp);
}

void EditSource::flushNow(bool everything)
{
    if (!m_sink)
        return;
    for (ResolvedChange& change : m_collector.flush()) {
        // A binary file or one over the cap that was rewritten (an object file, a
        // database, a bundle) is no edit anyone made; one created, deleted or renamed
        // still is an action, listed without content.
        const v1::FileChange& file = change.change;
        if ((file.binary() || file.over_size_cap()) && file.kind() == v1::FileChange::KIND_MODIFIED)
            continue;
        m_resolved.push_back(std::move(change));
    }
    attributeResolved(everything);
    storeFinishedEffects(everything);
}

void EditSource::catchUpUnwatched(const Command& command, const QString& directory)
{
    if (!m_watcher || command.endNs == 0 || directory.isEmpty() || command.interactiveEditor)
        return;
    const QString absolute = QDir::cleanPath(QDir(directory).absolutePath());
    if (!QFileInfo(absolute).isDir()) // a `cd` that failed: watched once it exists
        return;
    watchDirectory(absolute);
    const WatchedTree* tree = m_watcher->treeOf(absolute);
    // Watched when the command started: inotify saw what it wrote.
    if (tree == nullptr || tree->watchedSinceNs < command.startNs - kStartSkewNs)
        return;
    const QString key = QString::fromStdString(command.id) + QLatin1Char(' ') + tree->root;
    if (m_caughtUp.contains(key))
        return;
    if (m_caughtUp.size() >= 4096)
        m_caughtUp.clear();
    m_caughtUp.insert(key);
    m_watcher->readPending(); // what inotify did see is the better account
    bool found = false;
    for (const UnwatchedChange& change :
         findUnwatchedChanges(absolute, command.startNs - kStartSkewNs, command.endNs + kEndLagNs)) {
        WatchedTree* owner = m_watcher->treeOf(QFileInfo(change.path).path());
        if (owner == nullptr)
            continue;
        const QString relative = change.path.mid(owner->root.size() + 1);
        if (isSkippedPath(*owner, relative) || isAttributed(command.id, owner, relative))
            continue;
        m_collector.addUnwatched(*owner, relative, change.modifiedNs, change.created, change.before);
        found = true;
    }
    if (found)
        m_quiet.start(m_options.quietPeriod);
}

bool EditSource::isSkippedPath(const WatchedTree& tree, const QString& relativePath) const
{
    // The watch never enters a skipped directory (__pycache__, .git, excluded ones): the
    // files found below one are no edits either.
    for (qsizetype slash = relativePath.indexOf(QLatin1Char('/')); slash > 0;
         slash = relativePath.indexOf(QLatin1Char('/'), slash + 1)) {
        if (m_watcher->isSkipped(tree, relativePath.left(slash), true))
            return true;
    }
    return m_watcher->isSkipped(tree, relativePath, false);
}

bool EditSource::isAttributed(const std::string& commandId, const WatchedTree* tree, const QString& path) const
{
    const std::string relative = path.toStdString();
    const auto samePath = [&](const ResolvedChange& change) {
        return change.tree == tree && change.change.path() == relative;
    };
    if (std::any_of(m_resolved.cbegin(), m_resolved.cend(), samePath))
        return true;
    return std::any_of(m_effects.cbegin(), m_effects.cend(), [&](const CommandEffects& effects) {
        return effects.commandId == commandId &&
               std::any_of(effects.changes.cbegin(), effects.changes.cend(), samePath);
    });
}

bool EditSource::shellMayLag(qint64 changeNs) const
{
    // A shell in use may have started the command that made a change without its
    // start having reached us yet: the spool is read as the shell writes it, but a
    // busy recorder reads it late, after the file's own event. Until a shell record
    // as late as the change arrives (a while at most), whose change it is stays open.
    const qint64 nowNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
    const bool shellInUse = anyCommandRunning() || nowNs - m_lastShellEventNs < kShellActiveNs;
    return shellInUse && m_lastShellEventNs < changeNs && nowNs - changeNs < kSpoolCatchUpNs;
}

bool EditSource::anyCommandRunning() const
{
    return std::any_of(m_commands.cbegin(), m_commands.cend(), [](const Command& c) { return c.endNs == 0; });
}

void EditSource::attributeResolved(bool everything)
{
    std::vector<ResolvedChange> waiting;
    for (ResolvedChange& change : m_resolved) {
        if (!everything && shellMayLag(change.firstTouchNs)) {
            waiting.push_back(std::move(change));
            continue;
        }
        const Command* command = activeAppIsEditor() ? nullptr : commandAt(change.firstTouchNs);
        if (command && !command->interactiveEditor) {
            auto group = std::find_if(m_effects.begin(), m_effects.end(), [&](const CommandEffects& effects) {
                return effects.commandId == command->id && effects.tree == change.tree;
            });
            if (group == m_effects.end())
                group = m_effects.insert(m_effects.end(), {command->id, change.tree, {}});
            // The same file changed twice by one command: its latest change wins, the
            // kind says what it was against the state before the command.
            auto same = std::find_if(group->changes.begin(), group->changes.end(),
                                     [&](const ResolvedChange& c) { return c.change.path() == change.change.path(); });
            if (same != group->changes.end())
                *same = std::move(change);
            else
                group->changes.push_back(std::move(change));
            continue;
        }
        std::vector<ResolvedChange> one;
        WatchedTree* tree = change.tree;
        one.push_back(std::move(change));
        storeEdit(*tree, std::move(one), command ? command->id : std::string(), false);
    }
    m_resolved = std::move(waiting);
    if (!m_resolved.empty())
        m_awaitShell.start(kSpoolRecheck);
}

void EditSource::storeFinishedEffects(bool everything)
{
    for (auto group = m_effects.begin(); group != m_effects.end();) {
        const auto command = std::find_if(m_commands.cbegin(), m_commands.cend(),
                                          [&](const Command& c) { return c.id == group->commandId; });
        const bool ended = command == m_commands.cend() || command->endNs != 0;
        if (!ended && !everything) {
            ++group;
            continue;
        }
        std::sort(group->changes.begin(), group->changes.end(),
                  [](const ResolvedChange& a, const ResolvedChange& b) { return a.change.path() < b.change.path(); });
        storeEdit(*group->tree, std::move(group->changes), group->commandId, true);
        group = m_effects.erase(group);
    }
}

void EditSource::storeEdit(const WatchedTree& tree, std::vector<ResolvedChange> changes, const std::string& commandId,
                           bool commandEffects)
{
    if (changes.empty())
        return;
    v1::Event event;
    event.set_time_ns(std::min_element(changes.cbegin(), changes.cend(), [](const auto& a, const auto& b) {
                          return a.firstTouchNs < b.firstTouchNs;
                      })->firstTouchNs);
    v1::FileEdit* edit = event.mutable_file_edit();
    edit->set_work_tree(QFile::encodeName(tree.root).toStdString());
    edit->set_files_changed(static_cast<quint32>(changes.size()));
    edit->set_command_id(commandId);
    edit->set_command_effects(commandEffects);
    if (commandId.empty()) {
        edit->set_app_class(m_activeApp);
        edit->set_window_id(m_activeWindow);
    }
    std::string diff;
    int listed = 0;
    for (ResolvedChange& change : changes) {
        if (listed == m_options.maxFilesPerEvent)
            break;
        ++listed;
        if (diff.size() + static_cast<size_t>(change.diff.size()) >
            static_cast<size_t>(m_options.maxDiffBytesPerEvent)) {
            if (!change.diff.isEmpty())
                change.change.set_diff_truncated(true);
        } else {
            diff.append(change.diff.constData(), static_cast<size_t>(change.diff.size()));
        }
        *edit->add_changes() = std::move(change.change);
    }
    edit->set_diff(std::move(diff));
    QString error;
    if (!m_sink->record(event, &error))
        Q_EMIT warning(QStringLiteral("an edit in %1 was not recorded: %2").arg(tree.root, error));
}

} // namespace trailmark::capture
