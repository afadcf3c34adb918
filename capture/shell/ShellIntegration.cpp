#include "ShellIntegration.h"

#include "ShellScripts.h"

namespace trailmark::shellintegration {
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
    return result;
}

QString loadLine(const QString& shell)
{
    if (shell == QLatin1String("fish"))
        return QStringLiteral("trailmark init fish | source");
    return QStringLiteral("eval \"$(trailmark init %1)\"").arg(shell);
}

} // namespace trailmark::shellintegration
