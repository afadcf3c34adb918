#pragma once

#include "gui/BackgroundJob.h"

#include <QDialog>
#include <QPointer>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QRadioButton;

namespace trailmark::chains {
struct ExportStats;
}

namespace trailmark::gui {

// Chooses formats, sessions and a folder, then exports off the GUI thread with a
// progress bar and a Cancel that leaves the folder as it was.
class ExportDialog final : public QDialog
{
    Q_OBJECT

public:
    // currentSessionId: the session under review, offered as "only this session".
    ExportDialog(QString databasePath, QString currentSessionId, const QString& currentTask, QWidget* parent = nullptr);

    void setOutputFolder(const QString& folder);
    void setFormats(const QStringList& formats);
    void setAcceptedOnly(bool acceptedOnly);
    // Starts the export (the Export button); finished() tells how it ended.
    void startExport();
    bool isRunning() const { return !m_job.isNull(); }
    QString resultText() const;

Q_SIGNALS:
    void exportFinished(bool ok);

protected:
    void reject() override;

private:
    QStringList chosenFormats() const;
    void setRunning(bool running);
    void showOutcome(const chains::ExportStats* stats, const QString& error, const QString& folder);

    QString m_databasePath;
    QString m_currentSessionId;
    QList<QCheckBox*> m_formats;
    QRadioButton* m_allSessions = nullptr;
    QRadioButton* m_acceptedOnly = nullptr;
    QRadioButton* m_currentOnly = nullptr;
    QLineEdit* m_folder = nullptr;
    QCheckBox* m_replace = nullptr;
    QComboBox* m_editStyle = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_result = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_openFolder = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
    QPointer<BackgroundJob> m_job; // the running export
};

} // namespace trailmark::gui
