#include "gui/AppSettings.h"

#include <QSettings>

#include <pwd.h>
#include <unistd.h>

namespace trailmark::gui {
namespace {

QString loginName()
{
    if (const passwd* entry = ::getpwuid(::geteuid()); entry && entry->pw_name)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER", QStringLiteral("reviewer"));
}

} // namespace

QString AppSettings::reviewerName()
{
    const QString name = QSettings().value(QStringLiteral("review/reviewer")).toString();
    return name.isEmpty() ? loginName() : name;
}

void AppSettings::setReviewerName(const QString& name)
{
    QSettings().setValue(QStringLiteral("review/reviewer"), name.trimmed());
}

QStringList AppSettings::defaultLabelSet()
{
    return {QStringLiteral("good-recovery"), QStringLiteral("efficient"),     QStringLiteral("insightful"),
            QStringLiteral("wrong-tool"),    QStringLiteral("wrong-command"), QStringLiteral("unnecessary"),
            QStringLiteral("risky"),         QStringLiteral("misread-output")};
}

QStringList AppSettings::labelSet()
{
    return QSettings().value(QStringLiteral("review/labels"), defaultLabelSet()).toStringList();
}

void AppSettings::setLabelSet(const QStringList& labels)
{
    QStringList cleaned;
    for (const QString& label : labels) {
        const QString trimmed = label.trimmed();
        if (!trimmed.isEmpty() && !cleaned.contains(trimmed))
            cleaned.append(trimmed);
    }
    QSettings().setValue(QStringLiteral("review/labels"), cleaned);
}

QString AppSettings::databasePath()
{
    return QSettings().value(QStringLiteral("storage/database")).toString();
}

void AppSettings::setDatabasePath(const QString& path)
{
    QSettings().setValue(QStringLiteral("storage/database"), path.trimmed());
}

bool AppSettings::shellSetupShown()
{
    return QSettings().value(QStringLiteral("ui/shellSetupShown"), false).toBool();
}

void AppSettings::setShellSetupShown(bool shown)
{
    QSettings().setValue(QStringLiteral("ui/shellSetupShown"), shown);
}

} // namespace trailmark::gui
