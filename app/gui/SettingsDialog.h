#pragma once

#include <QDialog>

class QCheckBox;
class QKeySequenceEdit;
class QLineEdit;
class QPlainTextEdit;

namespace trailmark::gui {

// Preferences: who reviews, which labels they pick from, capture options, and where
// the database lives. Values are read from and written to AppSettings.
class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    explicit SettingsDialog(QWidget* parent = nullptr);

    // Checks the rule files and writes everything (on OK); false and why when a rule
    // file has a bad line, in which case nothing is written.
    bool save(QString* error) const;

private:
    QLineEdit* m_reviewer = nullptr;
    QPlainTextEdit* m_labels = nullptr;
    QCheckBox* m_screenshots = nullptr;
    QCheckBox* m_guiActions = nullptr;
    QKeySequenceEdit* m_hotkey = nullptr;
    QLineEdit* m_database = nullptr;
    QPlainTextEdit* m_exclusions = nullptr;
    QPlainTextEdit* m_redaction = nullptr;
    QCheckBox* m_edits = nullptr;
    QPlainTextEdit* m_watch = nullptr;
    QPlainTextEdit* m_neverWatch = nullptr;
    QPlainTextEdit* m_withheld = nullptr;
};

} // namespace trailmark::gui
