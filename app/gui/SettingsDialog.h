#pragma once

#include <QDialog>

#include <memory>

class QLineEdit;
class QPlainTextEdit;

namespace trailmark::gui {

class SourceSettingsForm;

// Preferences: who reviews, which labels they pick from, where the database lives, the
// privacy rules every recording obeys, and what each capture source lets people choose
// (SourceSettingsForm, from the source registry). Values are read from and written to
// AppSettings and the sources' settings.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget* parent = nullptr);
    ~SettingsDialog() override;

    // Checks the rule files and writes everything (on OK); false and why when a rule
    // file has a bad line, in which case nothing is written.
    bool save(QString* error) const;

private:
    QLineEdit* m_reviewer = nullptr;
    QPlainTextEdit* m_labels = nullptr;
    QLineEdit* m_database = nullptr;
    QPlainTextEdit* m_exclusions = nullptr;
    QPlainTextEdit* m_redaction = nullptr;
    std::unique_ptr<SourceSettingsForm> m_sources;
};

} // namespace trailmark::gui
