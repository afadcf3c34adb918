#pragma once

#include <QString>
#include <QStringList>

namespace trailmark::gui {

// The desktop app's preferences, kept with QSettings (~/.config/trailmark/trailmark.conf).
// Read and written through this class only, so keys and defaults live in one place.
// What recordings capture is not here: each capture source declares its own settings
// (capture/SourceDeclaration.h), read and written through capture/SourceChoices.h.
class AppSettings
{
public:
    // Who annotations are attributed to; defaults to the login name.
    static QString reviewerName();
    static void setReviewerName(const QString& name);

    // Labels offered when annotating a step.
    static QStringList labelSet();
    static void setLabelSet(const QStringList& labels);
    static QStringList defaultLabelSet();

    // Database the app opens when no --db or TRAILMARK_DB is given; empty: the default.
    static QString databasePath();
    static void setDatabasePath(const QString& path);

    // Whether the one-time shell setup hint has been shown.
    static bool shellSetupShown();
    static void setShellSetupShown(bool shown);
};

} // namespace trailmark::gui
