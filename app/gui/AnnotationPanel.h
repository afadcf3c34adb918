#pragma once

#include <QWidget>

#include <optional>

class QButtonGroup;
class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QToolButton;
class QVBoxLayout;

namespace trailmark::gui {

// Where a reviewer rates the selected step (-1 / 0 / +1), picks labels and writes a
// rationale. Pressing a rating key (-, 0, +) saves at once with the labels and
// rationale as they are, which keeps a fast keyboard review to one key per step;
// "Save" (Ctrl+Return) saves labels, rationale and a corrected outcome without a new
// rating.
class AnnotationPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit AnnotationPanel(QWidget* parent = nullptr);

    void setLabelSet(const QStringList& labels);
    void setReviewer(const QString& reviewer);
    // Clears the inputs for a newly selected step; disabled without one.
    void resetForStep(bool hasStep);

    std::optional<int> rating() const;
    QStringList checkedLabels() const;
    QString rationale() const;
    // The outcome the reviewer picked for the step ("ok", "error", "no-result", ...), or
    // empty when it stays as derived.
    QString correctedOutcome() const;

public Q_SLOTS:
    void rate(int rating); // sets the rating and asks to save

Q_SIGNALS:
    void saveRequested();
    void redactRequested();

private:
    QLabel* m_reviewer = nullptr;
    QButtonGroup* m_ratings = nullptr;
    QWidget* m_labelBox = nullptr;
    QList<QToolButton*> m_labelButtons;
    QPlainTextEdit* m_rationale = nullptr;
    QComboBox* m_outcome = nullptr;
    QPushButton* m_save = nullptr;
    QPushButton* m_redact = nullptr;
};

} // namespace trailmark::gui
