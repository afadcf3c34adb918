#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace trailmark::capture {

struct SourceOption;

// What one recording captures: a value for every option the registered sources declare
// (SourceOption::id to value), as `record`'s flags, the Settings and the Record tab chose
// them. An option no one set has its declared default.
class SourceChoices
{
public:
    // Every declared option at its default.
    SourceChoices();
    // Every declared option as the user's settings say (the Record tab's choices as last
    // made, the Settings entries as saved), for a recording started from the app.
    static SourceChoices fromSettings();
    // The settings that bind every recording however it starts (those not chosen on the
    // Record tab), the rest at their defaults: where `record` starts from.
    static SourceChoices standingSettings();

    bool isOn(const QString& id) const { return m_values.value(id).toBool(); }
    QStringList directories(const QString& id) const { return m_values.value(id).toStringList(); }
    int number(const QString& id) const { return m_values.value(id).toInt(); }
    QString text(const QString& id) const { return m_values.value(id).toString(); }
    QVariant value(const QString& id) const { return m_values.value(id); }
    void set(const QString& id, const QVariant& value) { m_values.insert(id, value); }

    // The words of every switch that is on and must be announced while recording
    // (SourceOption::announcedAs), in registry order.
    QStringList announcements() const;

private:
    QHash<QString, QVariant> m_values;
};

// The user's saved value of option (its QSettings key), or its default when never saved.
// Directory lists come back absolute and clean, without duplicates.
QVariant savedValue(const SourceOption& option);
void saveValue(const SourceOption& option, const QVariant& value);
QVariant defaultValue(const SourceOption& option);

} // namespace trailmark::capture
