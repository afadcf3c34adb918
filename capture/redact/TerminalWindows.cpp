#include "capture/redact/TerminalWindows.h"

#include "capture/redact/WindowExclusionFilter.h"
#include "capture/screenshot/ScreenGrabber.h"

#include <QStringList>

namespace trailmark::capture {

bool isTerminalWindowClass(const QString& appClass)
{
    static const QStringList classes{
        QStringLiteral("XTerm"),          QStringLiteral("UXTerm"),
        QStringLiteral("URxvt"),          QStringLiteral("st-256color"),
        QStringLiteral("Alacritty"),      QStringLiteral("kitty"),
        QStringLiteral("foot"),           QStringLiteral("org.wezfurlong.wezterm"),
        QStringLiteral("Gnome-terminal"), QStringLiteral("konsole"),
        QStringLiteral("Xfce4-terminal"), QStringLiteral("Terminator"),
        QStringLiteral("Tilix"),          QStringLiteral("Lxterminal"),
    };
    return classes.contains(appClass, Qt::CaseInsensitive);
}

bool isKeptOutOfPictures(const WindowDescription& window, const WindowExclusionFilter* exclusions)
{
    return isTerminalWindowClass(window.appClass) || (exclusions && exclusions->isExcluded(window));
}

} // namespace trailmark::capture
