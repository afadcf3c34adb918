#include "capture/SourceChoices.h"

#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"

#include <QDir>
#include <QSettings>

namespace trailmark::capture {
namespace {

// Folders as every recording uses them: ~ expanded, absolute, clean, each once.
QStringList cleanedDirectories(const QStringList& directories)
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

bool storedInSettings(const SourceOption& option)
{
    return option.settings.key != nullptr && option.kind != SourceOption::Kind::RuleFile;
}

} // namespace

QVariant defaultValue(const SourceOption& option)
{
    switch (option.kind) {
    case SourceOption::Kind::Switch:
        return option.defaultOn;
    case SourceOption::Kind::DirectoryList:
        return QStringList();
    case SourceOption::Kind::Number:
        return option.defaultNumber;
    case SourceOption::Kind::KeySequence:
        return QString::fromUtf8(option.defaultText);
    case SourceOption::Kind::RuleFile:
        break;
    }
    return {};
}

QVariant savedValue(const SourceOption& option)
{
    if (!storedInSettings(option))
        return defaultValue(option);
    const QVariant saved = QSettings().value(QLatin1String(option.settings.key), defaultValue(option));
    switch (option.kind) {
    case SourceOption::Kind::Switch:
        return saved.toBool();
    case SourceOption::Kind::DirectoryList:
        return cleanedDirectories(saved.toStringList());
    case SourceOption::Kind::Number:
        return saved.toInt();
    case SourceOption::Kind::KeySequence:
        return saved.toString();
    case SourceOption::Kind::RuleFile:
        break;
    }
    return saved;
}

void saveValue(const SourceOption& option, const QVariant& value)
{
    if (!storedInSettings(option))
        return;
    QSettings().setValue(QLatin1String(option.settings.key), option.kind == SourceOption::Kind::DirectoryList
                                                                 ? QVariant(cleanedDirectories(value.toStringList()))
                                                                 : value);
}

SourceChoices::SourceChoices()
{
    for (const SourceDeclaration* source : sources::all()) {
        for (const SourceOption& option : source->options)
            m_values.insert(QLatin1String(option.id), defaultValue(option));
    }
}

SourceChoices SourceChoices::fromSettings()
{
    SourceChoices choices;
    for (const SourceDeclaration* source : sources::all()) {
        for (const SourceOption& option : source->options)
            choices.set(QLatin1String(option.id), savedValue(option));
    }
    return choices;
}

SourceChoices SourceChoices::standingSettings()
{
    SourceChoices choices;
    for (const SourceDeclaration* source : sources::all()) {
        for (const SourceOption& option : source->options) {
            if (!option.onRecordTab())
                choices.set(QLatin1String(option.id), savedValue(option));
        }
    }
    return choices;
}

QStringList SourceChoices::announcements() const
{
    QStringList words;
    for (const SourceDeclaration* source : sources::all()) {
        for (const SourceOption& option : source->options) {
            if (option.announcedAs != nullptr && isOn(QLatin1String(option.id)))
                words.append(QString::fromUtf8(option.announcedAs));
        }
    }
    return words;
}

} // namespace trailmark::capture
