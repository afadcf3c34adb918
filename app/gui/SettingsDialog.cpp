#include "gui/SettingsDialog.h"

#include "capture/redact/RedactionRules.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "gui/AppSettings.h"
#include "gui/SettingsFiles.h"
#include "gui/SourceSettingsForm.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace trailmark::gui {

using settingsfiles::checkRules;
using settingsfiles::readRuleFile;
using settingsfiles::writeRuleFile;

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
    , m_reviewer(new QLineEdit(AppSettings::reviewerName(), this))
    , m_labels(new QPlainTextEdit(AppSettings::labelSet().join(QLatin1Char('\n')), this))
    , m_database(new QLineEdit(AppSettings::databasePath(), this))
    , m_exclusions(new QPlainTextEdit(this))
    , m_redaction(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Trailmark Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_reviewer->setObjectName(QStringLiteral("reviewerName"));
    m_labels->setObjectName(QStringLiteral("labelSet"));
    m_labels->setToolTip(tr("One label per line"));
    m_labels->setMaximumHeight(140);
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
    form->addRow(tr("Database:"), databaseRow);
    auto* restartNote = new QLabel(tr("A new database path takes effect the next time Trailmark starts."), this);
    restartNote->setWordWrap(true);
    form->addRow(QString(), restartNote);

    // The privacy rules are the same files `trailmark record` reads, edited in place.
    m_exclusions->setObjectName(QStringLiteral("exclusionRules"));
    m_exclusions->setPlainText(readRuleFile(capture::WindowExclusionFilter::defaultUserRulesPath()));
    m_exclusions->setPlaceholderText(tr("One rule per line: class NAME, title PATTERN or exe NAME (* and ? "
                                        "wildcards). Password managers are excluded already."));
    m_exclusions->setMaximumHeight(110);
    m_redaction->setObjectName(QStringLiteral("redactionRules"));
    m_redaction->setPlainText(readRuleFile(capture::RedactionRules::defaultUserFile()));
    m_redaction->setPlaceholderText(tr("One rule per line: name = regular expression. Cloud keys, tokens, "
                                       "passwords and private keys are redacted already."));
    m_redaction->setMaximumHeight(110);
    form->addRow(tr("Never capture windows:"), m_exclusions);
    form->addRow(tr("Also redact:"), m_redaction);

    // What the capture sources let people choose, below the rules every source obeys.
    m_sources = std::make_unique<SourceSettingsForm>(this, form);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        QString error;
        if (!save(&error)) {
            QMessageBox::warning(this, tr("Settings not saved"), error);
            return;
        }
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

SettingsDialog::~SettingsDialog() = default;

bool SettingsDialog::save(QString* error) const
{
    // Check every rule file and folder list before writing anything: a rule file with a
    // bad line would stop the next recording, so it never reaches the disk.
    const QString exclusions = m_exclusions->toPlainText();
    const QString redaction = m_redaction->toPlainText();
    if (!checkRules(
            exclusions, capture::WindowExclusionFilter::defaultUserRulesPath(),
            [](const QString& path, QString* why) { return capture::WindowExclusionFilter().loadUserRules(path, why); },
            error) ||
        !checkRules(
            redaction, capture::RedactionRules::defaultUserFile(),
            [](const QString& path, QString* why) { return capture::RedactionRules::builtIn().addUserFile(path, why); },
            error) ||
        !m_sources->check(error))
        return false;
    if (!writeRuleFile(capture::WindowExclusionFilter::defaultUserRulesPath(), exclusions, error) ||
        !writeRuleFile(capture::RedactionRules::defaultUserFile(), redaction, error) || !m_sources->save(error))
        return false;

    AppSettings::setReviewerName(m_reviewer->text());
    AppSettings::setLabelSet(m_labels->toPlainText().split(QLatin1Char('\n')));
    AppSettings::setDatabasePath(m_database->text());
    return true;
}

} // namespace trailmark::gui
