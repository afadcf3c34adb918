#include "capture/shell/ShellIntegration.h"

#include "ShellScripts.h"

#include <QCoreApplication>
#include <QDir>

namespace trailmark::capture::shellintegration {
namespace {

// A string literal for the shell: single quotes, with a quote inside spelled the way
// that shell needs it.
QByteArray quoted(const QString& shell, const QString& text)
{
    QByteArray bytes = text.toLocal8Bit();
    if (shell == QLatin1String("fish"))
        bytes.replace("\\", "\\\\").replace("'", "\\'");
    else
        bytes.replace("'", "'\\''");
    return '\'' + bytes + '\'';
}

// The guard and the exec for each shell; @BINARY@ is the quoted trailmark binary. The
// shell itself is named by path where the shell knows it (bash's $BASH, fish's
// fish-path); zsh's $ZSH_ARGZERO may be a bare name, which `trailmark shell` looks up in
// PATH as the terminal did. fish runs a sourced script with the pipe as its stdin, so
// there the terminal is the one of stdout, and the shell's stdin is its terminal.
constexpr const char kBashPrelude[] =
    R"(# Trailmark: put this shell on a terminal Trailmark watches, to keep each command's output.
if [[ $- == *i* && -z ${TRAILMARK_PTY-} && ${TRAILMARK_CAPTURE_OUTPUT-} != 0 && -t 0 && -t 1 && -x @BINARY@ ]]; then
    exec @BINARY@ shell --fall-back -- "$BASH"
fi
)";
constexpr const char kZshPrelude[] =
    R"(# Trailmark: put this shell on a terminal Trailmark watches, to keep each command's output.
if [[ -o interactive && -z ${TRAILMARK_PTY-} && ${TRAILMARK_CAPTURE_OUTPUT-} != 0 && -t 0 && -t 1 && -x @BINARY@ ]]; then
    exec @BINARY@ shell --fall-back -- "${${ZSH_ARGZERO#-}:-zsh}"
fi
)";
constexpr const char kFishPrelude[] =
    R"(# Trailmark: put this shell on a terminal Trailmark watches, to keep each command's output.
if status is-interactive; and not set -q TRAILMARK_PTY; and test "$TRAILMARK_CAPTURE_OUTPUT" != 0
    and isatty stdout; and isatty stderr; and test -x @BINARY@
    exec @BINARY@ shell --fall-back -- (status fish-path) </dev/tty
end
)";

// The one of three texts for shell; nullptr for a shell not supported.
const char* forShell(const QString& shell, const char* bash, const char* zsh, const char* fish)
{
    if (shell == QLatin1String("bash"))
        return bash;
    if (shell == QLatin1String("zsh"))
        return zsh;
    if (shell == QLatin1String("fish"))
        return fish;
    return nullptr;
}

} // namespace

QStringList supportedShells()
{
    return {QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("fish")};
}

std::optional<QByteArray> script(const QString& shell, const QString& spoolDirectory)
{
    const char* text = forShell(shell, scripts::kBash, scripts::kZsh, scripts::kFish);
    if (!text)
        return std::nullopt;
    QByteArray result(text);
    result.replace("'@TRAILMARK_SPOOL_DIR@'", quoted(shell, spoolDirectory));
    const QString loadables = loadableDirectory();
    result.replace("'@TRAILMARK_BASH_LOADABLE@'",
                   quoted(shell, loadables.isEmpty() ? QString() : loadables + QStringLiteral("/trailmark_bash.so")));
    result.replace("'@TRAILMARK_ZSH_MODULE_DIR@'", quoted(shell, loadables));
    return result;
}

std::optional<QByteArray> captureOutputPrelude(const QString& shell, const QString& trailmarkBinary)
{
    const char* text = forShell(shell, kBashPrelude, kZshPrelude, kFishPrelude);
    if (!text)
        return std::nullopt;
    return QByteArray(text).replace("@BINARY@", quoted(shell, trailmarkBinary));
}

QString loadableDirectory()
{
    if (!QCoreApplication::instance())
        return {};
    const QDir executableDirectory(QCoreApplication::applicationDirPath());
    for (const QString& candidate :
         {executableDirectory.path(), executableDirectory.filePath(QStringLiteral(TRAILMARK_LOADABLES_FROM_BINDIR))}) {
        const QDir directory(candidate);
        if (directory.exists(QStringLiteral("trailmark_bash.so")) ||
            directory.exists(QStringLiteral("trailmark_zsh.so")))
            return QDir::cleanPath(directory.absolutePath());
    }
    return {};
}

QString loadLine(const QString& shell)
{
    if (shell == QLatin1String("fish"))
        return QStringLiteral("trailmark init fish --capture-output | source");
    return QStringLiteral("eval \"$(trailmark init %1 --capture-output)\"").arg(shell);
}

} // namespace trailmark::capture::shellintegration
