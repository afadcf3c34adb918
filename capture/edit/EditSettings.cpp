#include "capture/edit/EditSettings.h"

#include <QDir>
#include <QSettings>

namespace trailmark::capture {
namespace {

QStringList cleaned(const QStringList& directories)
{
    QStringList result;
    for (const QString& directory : directories) {
        const QString trimmed = directory.trimmed();
        if (trimmed.isEmpty())
            continue;
        const QString expanded = trimmed.startsWith(QLatin1String("~/")) ? QDir::homePath() + trimmed.mid(1) : trimmed;
        const QString absolute = QDir::cleanPath(QDir(expanded).absolutePath());
        if (!result.contains(absolute))
            result.append(absolute);
    }
    return result;
}

} // namespace

bool EditSettings::enabled()
{
    return QSettings().value(QStringLiteral("edits/enabled"), true).toBool();
}

void EditSettings::setEnabled(bool enabled)
{
    QSettings().setValue(QStringLiteral("edits/enabled"), enabled);
}

QStringList EditSettings::watchDirectories()
{
    return cleaned(QSettings().value(QStringLiteral("edits/watch")).toStringList());
}

void EditSettings::setWatchDirectories(const QStringList& directories)
{
    QSettings().setValue(QStringLiteral("edits/watch"), cleaned(directories));
}

QStringList EditSettings::excludedDirectories()
{
    return cleaned(QSettings().value(QStringLiteral("edits/exclude")).toStringList());
}

void EditSettings::setExcludedDirectories(const QStringList& directories)
{
    QSettings().setValue(QStringLiteral("edits/exclude"), cleaned(directories));
}

} // namespace trailmark::capture
