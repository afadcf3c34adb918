#include "SettingsDialog.h"

#include "AppSettings.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace trailmark::gui {

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
    , m_reviewer(new QLineEdit(AppSettings::reviewerName(), this))
    , m_labels(new QPlainTextEdit(AppSettings::labelSet().join(QLatin1Char('\n')), this))
    , m_screenshots(new QCheckBox(tr("Take screenshots of the active window while recording"), this))
    , m_hotkey(new QKeySequenceEdit(QKeySequence(AppSettings::noteHotkey()), this))
    , m_database(new QLineEdit(AppSettings::databasePath(), this))
{
    setWindowTitle(tr("Trailmark Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_reviewer->setObjectName(QStringLiteral("reviewerName"));
    m_labels->setObjectName(QStringLiteral("labelSet"));
    m_labels->setToolTip(tr("One label per line"));
    m_labels->setMaximumHeight(140);
    m_screenshots->setChecked(AppSettings::screenshotsEnabled());
    m_database->setPlaceholderText(tr("Default: ~/.local/share/trailmark/trailmark.db"));

    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* databaseRow = new QHBoxLayout;
    databaseRow->addWidget(m_database, 1);
    databaseRow->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Database file"), m_database->text(), tr("Trailmark database (*.db)"),
                                         nullptr, QFileDialog::DontConfirmOverwrite);
        if (!path.isEmpty())
            m_database->setText(path);
    });

    auto* form = new QFormLayout;
    form->addRow(tr("Reviewer name:"), m_reviewer);
    form->addRow(tr("Step labels:"), m_labels);
    form->addRow(QString(), m_screenshots);
    form->addRow(tr("Note hotkey:"), m_hotkey);
    form->addRow(tr("Database:"), databaseRow);
    auto* restartNote = new QLabel(tr("A new database path takes effect the next time Trailmark starts."), this);
    restartNote->setWordWrap(true);
    form->addRow(QString(), restartNote);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        save();
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

void SettingsDialog::save() const
{
    AppSettings::setReviewerName(m_reviewer->text());
    AppSettings::setLabelSet(m_labels->toPlainText().split(QLatin1Char('\n')));
    AppSettings::setScreenshotsEnabled(m_screenshots->isChecked());
    AppSettings::setNoteHotkey(m_hotkey->keySequence().toString(QKeySequence::PortableText));
    AppSettings::setDatabasePath(m_database->text());
}

} // namespace trailmark::gui
