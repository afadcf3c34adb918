#include "gui/SettingsFiles.h"

#include "store/PrivateFiles.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QTemporaryDir>

namespace trailmark::gui::settingsfiles {

QString readRuleFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool checkRules(const QString& text, const QString& realPath, const std::function<bool(const QString&, QString*)>& load,
                QString* error)
{
    QTemporaryDir scratch;
    const QString path = scratch.filePath(QFileInfo(realPath).fileName());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0) {
        *error = QObject::tr("cannot check the rules: %1").arg(file.errorString());
        return false;
    }
    file.close();
    QString why;
    if (load(path, &why))
        return true;
    *error = why.replace(path, realPath);
    return false;
}

bool writeRuleFile(const QString& path, const QString& text, QString* error)
{
    if (text.trimmed().isEmpty() && !QFileInfo::exists(path))
        return true;
    if (!store::privatefiles::ensureFile(path, error))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

std::optional<QStringList> folderList(const QString& text, const QString& what, QString* error)
{
    QStringList folders;
    for (QString line : text.split(QLatin1Char('\n'))) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1String("~/")))
            line = QDir::homePath() + line.mid(1);
        if (!QDir::isAbsolutePath(line) || !QFileInfo(line).isDir()) {
            *error = QObject::tr("%1: %2 is not a folder (give its full path, one per line)").arg(what, line);
            return std::nullopt;
        }
        line = QDir::cleanPath(line);
        if (!folders.contains(line))
            folders.append(line);
    }
    return folders;
}

} // namespace trailmark::gui::settingsfiles
