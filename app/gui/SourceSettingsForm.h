#pragma once

#include <QString>
#include <QVariant>

#include <optional>
#include <vector>

class QFormLayout;
class QWidget;

namespace trailmark::capture {
struct SourceOption;
} // namespace trailmark::capture

namespace trailmark::gui {

// The Settings dialog's rows for what the capture sources let people choose, built from
// the source registry: a checkbox for a switch, a folder list, a shortcut editor, a rule
// file edited in place. Values come from and go to the sources' settings keys.
class SourceSettingsForm
{
public:
    // Adds one row per Settings entry a source declares to form, widgets owned by parent.
    SourceSettingsForm(QWidget* parent, QFormLayout* form);

    // Whether every rule file loads and every folder is a folder; writes nothing.
    bool check(QString* error) const;
    // Writes the rule files and the settings (after check()).
    bool save(QString* error) const;

private:
    struct Row
    {
        const capture::SourceOption* option = nullptr;
        QWidget* editor = nullptr;
    };
    QWidget* addRow(QWidget* parent, QFormLayout* form, const capture::SourceOption& option);
    void linkToSwitch(const Row& row);
    // What the row's editor holds, as its setting stores it; nullopt and why if invalid.
    static std::optional<QVariant> valueOf(const Row& row, QString* error);

    std::vector<Row> m_rows;
};

} // namespace trailmark::gui
