#pragma once

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <vector>

namespace trailmark::capture {

// Files whose names say they hold secrets: an edit to one is recorded as "edited,
// content withheld", never with its content. Built in: .env*, *.pem, *.key, id_*,
// credentials*, .netrc, .pgpass and the like; the user adds globs, one per line, in
// defaultUserPatternsPath(). A glob without '/' matches the file name, one with '/' the
// path relative to the work tree.
class WithheldFiles
{
public:
    WithheldFiles();
    // The built-in globs.
    static QStringList builtInPatterns();
    // ~/.config/trailmark/withheld-files
    static QString defaultUserPatternsPath();
    // Adds the user's globs ('#' starts a comment); a missing file is no error.
    bool loadUserPatterns(const QString& path, QString* error);
    void addPattern(const QString& glob);

    bool isWithheld(const QString& relativePath) const;

private:
    struct Pattern
    {
        QRegularExpression expression;
        bool matchesPath = false;
    };
    std::vector<Pattern> m_patterns;
};

} // namespace trailmark::capture
