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

} // namespace

QStringList supportedShells()
{
    return {QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("fish")};
}

std::optional<QByteArray> script(const QString& shell, const QString& spoolDirectory)
{
    const char* text = nullptr;
    if (shell == QLatin1String("bash"))
        text = scripts::kBash;
    else if (shell == QLatin1String("zsh"))
        text = scripts::kZsh;
    else if (shell == QLatin1String("fish"))
        text = scripts::kFish;
    else
        return std::nullopt;
    QByteArray result(text);
    result.replace("'@TRAILMARK_SPOOL_DIR@'", quoted(shell, spoolDirectory));
    const QString loadables = loadableDirectory();
    result.replace("'@TRAILMARK_BASH_LOADABLE@'",
                   quoted(shell, loadables.isEmpty() ? QString() : loadables + QStringLiteral("/trailmark_bash.so")));
    result.replace("'@TRAILMARK_ZSH_MODULE_DIR@'", quoted(shell, loadables));
    return result;
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
        return QStringLiteral("trailmark init fish | source");
    return QStringLiteral("eval \"$(trailmark init %1)\"").arg(shell);
}

} // namespace trailmark::capture::shellintegration
