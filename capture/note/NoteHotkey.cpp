#include "capture/note/NoteHotkey.h"

#include "capture/SourceChoices.h"

#ifdef TRAILMARK_WITH_X11
#include "capture/x11/X11Hotkey.h"
#endif

namespace trailmark::capture {

QObject* NoteHotkey::grab(QObject* parent, std::function<void()> triggered, QString* shortcut, QString* error)
{
    *shortcut = SourceChoices::fromSettings().text(QStringLiteral("noteHotkey"));
#ifdef TRAILMARK_WITH_X11
    auto hotkey = std::make_unique<X11Hotkey>(parent);
    if (!hotkey->grab(*shortcut, error))
        return nullptr;
    QObject::connect(hotkey.get(), &X11Hotkey::triggered, hotkey.get(), std::move(triggered));
    return hotkey.release();
#else
    Q_UNUSED(parent);
    Q_UNUSED(triggered);
    *error = QStringLiteral("global shortcuts are not supported on this platform yet");
    return nullptr;
#endif
}

} // namespace trailmark::capture
