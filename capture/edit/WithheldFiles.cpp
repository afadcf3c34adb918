#include "capture/edit/WithheldFiles.h"

#include <QFile>
#include <QStandardPaths>

namespace trailmark::capture {

WithheldFiles::WithheldFiles()
{
    for (const QString& glob : builtInPatterns())
        addPattern(glob);
}

QStringList WithheldFiles::builtInPatterns()
{
    return {
        QStringLiteral(".env"),
        QStringLiteral(".env.*"),
        QStringLiteral("*.env"),
        QStringLiteral("*.pem"),
        QStringLiteral("*.key"),
        QStringLiteral("id_*"),
        QStringLiteral("credentials*"),
        QStringLiteral(".netrc"),
        QStringLiteral("_netrc"),
        QStringLiteral(".pgpass"),
        QStringLiteral(".npmrc"),
        QStringLiteral(".pypirc"),
        QStringLiteral(".git-credentials"),
        QStringLiteral("*.p12"),
        QStringLiteral("*.pfx"),
        QStringLiteral("*.keystore"),
        QStringLiteral("*.jks"),
        QStringLiteral("*.kdbx"),
        QStringLiteral(".htpasswd"),
        QStringLiteral("secrets.*"),
        QStringLiteral("*.secret"),
    };
}

QString WithheldFiles::defaultUserPatternsPath()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation) +
           QStringLiteral("/trailmark/withheld-files");
}

bool WithheldFiles::loadUserPatterns(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1Char('#')))
            addPattern(line);
    }
    return true;
}

void WithheldFiles::addPattern(const QString& glob)
{
    const bool matchesPath = glob.contains(QLatin1Char('/'));
    m_patterns.push_back({QRegularExpression(QRegularExpression::wildcardToRegularExpression(
                                                 glob, QRegularExpression::UnanchoredWildcardConversion),
                                             QRegularExpression::CaseInsensitiveOption),
                          matchesPath});
    // Anchored on both ends: "*.key" must not match "monkey.keyboard.c".
    auto& expression = m_patterns.back().expression;
    expression.setPattern(QStringLiteral("\\A(?:%1)\\z").arg(expression.pattern()));
}

bool WithheldFiles::isWithheld(const QString& relativePath) const
{
    const QString name = relativePath.section(QLatin1Char('/'), -1);
    for (const Pattern& pattern : m_patterns) {
        if (pattern.expression.match(pattern.matchesPath ? relativePath : name).hasMatch())
            return true;
    }
    return false;
}

} // namespace trailmark::capture
