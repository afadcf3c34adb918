#include "cli/SourceFlags.h"

#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace trailmark::cli {
namespace {

using Kind = capture::SourceOption::Kind;

QCommandLineOption parserOptionFor(const capture::SourceOption& option)
{
    const QString name = QString::fromUtf8(option.flag.name);
    const QString help = QString::fromUtf8(option.flag.help);
    if (option.flag.valueName == nullptr)
        return QCommandLineOption(name, help);
    const QString defaultValue = option.kind == Kind::Number ? QString::number(option.defaultNumber) : QString();
    return QCommandLineOption(name, help, QString::fromUtf8(option.flag.valueName), defaultValue);
}

// A source people must ask for: a switch that is off unless its flag is given.
const capture::SourceOption* optInFlag(const capture::SourceDeclaration& source)
{
    for (const capture::SourceOption& option : source.options) {
        if (option.kind == Kind::Switch && !option.defaultOn && option.flag.name != nullptr)
            return &option;
    }
    return nullptr;
}

} // namespace

SourceFlags::SourceFlags()
{
    for (const capture::SourceDeclaration* source : capture::sources::all()) {
        for (const capture::SourceOption& option : source->options) {
            if (option.flag.name != nullptr)
                m_flags.push_back({&option, parserOptionFor(option)});
        }
    }
}

QString SourceFlags::whatIsRecorded()
{
    QStringList phrases;
    for (const capture::SourceDeclaration* source : capture::sources::all()) {
        const capture::SourceOption* optIn = optInFlag(*source);
        phrases.append(optIn != nullptr
                           ? QStringLiteral("with --%1 %2").arg(QString::fromUtf8(optIn->flag.name), source->records)
                           : source->records);
    }
    if (phrases.size() > 1)
        phrases.last().prepend(QStringLiteral("and "));
    return phrases.join(QStringLiteral(", "));
}

void SourceFlags::addTo(QCommandLineParser& parser) const
{
    for (const Flag& flag : m_flags)
        parser.addOption(flag.parserOption);
}

std::optional<capture::SourceChoices> SourceFlags::choices(const QCommandLineParser& parser, QString* error) const
{
    capture::SourceChoices choices = capture::SourceChoices::standingSettings();
    for (const Flag& flag : m_flags) {
        const capture::SourceOption& option = *flag.option;
        const QString id = QLatin1String(option.id);
        const QString name = QString::fromUtf8(option.flag.name);
        switch (option.kind) {
        case Kind::Switch:
            if (parser.isSet(flag.parserOption))
                choices.set(id, !option.defaultOn);
            break;
        case Kind::DirectoryList: {
            const QStringList given = parser.values(flag.parserOption);
            for (const QString& directory : given) {
                if (option.mustExist && !QFileInfo(directory).isDir()) {
                    *error = QStringLiteral("--%1 %2: no such directory").arg(name, directory);
                    return std::nullopt;
                }
            }
            choices.set(id, choices.directories(id) + given);
            break;
        }
        case Kind::Number: {
            bool ok = false;
            const int number = parser.value(flag.parserOption).toInt(&ok);
            if (!ok || number < option.minimum || number > option.maximum) {
                *error = QStringLiteral("--%1 needs %2 between %3 and %4")
                             .arg(name, QString::fromUtf8(option.unit))
                             .arg(option.minimum)
                             .arg(option.maximum);
                return std::nullopt;
            }
            choices.set(id, number);
            break;
        }
        case Kind::KeySequence:
        case Kind::RuleFile:
            break; // no flags
        }
    }
    return choices;
}

} // namespace trailmark::cli
