#include "gui/SettingsDialog.h"

#include "capture/edit/EditSettings.h"
#include "capture/edit/WithheldFiles.h"
#include "capture/redact/RedactionRules.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "gui/AppSettings.h"
#include "store/PrivateFiles.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <functional>
#include <optional>

namespace trailmark::gui {
namespace {

QString readRuleFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

// Validates text as a rule file by loading it from a private scratch copy, so error
// messages carry line numbers as they will for the real file.
bool checkRules(const QString& text, const QString& realPath, const std::function<bool(const QString&, QString*)>& load,
                QString* error)
{
    QTemporaryDir scratch;
    const QString path = scratch.filePath(QFileInfo(realPath).fileName());
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0) {
        *error = QObject::tr("cannot check the rules: %1").arg(file.errorString());
        return false;
    }
    file.close();
    QString why;
    if (load(path, &why))
        return true;
    *error = why.replace(path, realPath);
    return false;
}

bool writeRuleFile(const QString& path, const QString& text, QString* error)
{
    if (text.trimmed().isEmpty() && !QFileInfo::exists(path))
        return true;
    if (!store::privatefiles::ensureFile(path, error))
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text.toUtf8()) < 0 || !file.commit()) {
        *error = QObject::tr("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    return true;
}

// Folders, one per line, blanks and duplicates dropped; an error naming the first one that
// is not an absolute path to a folder.
std::optional<QStringList> folderList(const QString& text, const QString& what, QString* error)
{
    QStringList folders;
    for (QString line : text.split(QLatin1Char('\n'))) {
        line = line.trimmed();
        if (line.isEmpty())
            continue;
        if (line.startsWith(QLatin1String("~/")))
            line = QDir::homePath() + line.mid(1);
        if (!QDir::isAbsolutePath(line) || !QFileInfo(line).isDir()) {
            *error = QObject::tr("%1: %2 is not a folder (give its full path, one per line)").arg(what, line);
            return std::nullopt;
        }
        line = QDir::cleanPath(line);
        if (!folders.contains(line))
            folders.append(line);
    }
    return folders;
}

} // namespace

SettingsDialog::SettingsDialog(QWidget* parent)
    : QDialog(parent)
    , m_reviewer(new QLineEdit(AppSettings::reviewerName(), this))
    , m_labels(new QPlainTextEdit(AppSettings::labelSet().join(QLatin1Char('\n')), this))
    , m_screenshots(new QCheckBox(tr("Take screenshots of the active window while recording"), this))
    , m_guiActions(new QCheckBox(tr("Record clicks, typing and keys inside apps, with the button or field each "
                                    "hit (never the text of password fields)"),
                                 this))
    , m_hotkey(new QKeySequenceEdit(QKeySequence(AppSettings::noteHotkey()), this))
    , m_database(new QLineEdit(AppSettings::databasePath(), this))
    , m_exclusions(new QPlainTextEdit(this))
    , m_redaction(new QPlainTextEdit(this))
    , m_edits(new QCheckBox(tr("Record file edits in the folders where commands run, and these:"), this))
    , m_watch(new QPlainTextEdit(capture::EditSettings::watchDirectories().join(QLatin1Char('\n')), this))
    , m_neverWatch(new QPlainTextEdit(capture::EditSettings::excludedDirectories().join(QLatin1Char('\n')), this))
    , m_withheld(new QPlainTextEdit(this))
{
    setWindowTitle(tr("Trailmark Settings"));
    setObjectName(QStringLiteral("settingsDialog"));
    m_reviewer->setObjectName(QStringLiteral("reviewerName"));
    m_labels->setObjectName(QStringLiteral("labelSet"));
    m_labels->setToolTip(tr("One label per line"));
    m_labels->setMaximumHeight(140);
    m_screenshots->setChecked(AppSettings::screenshotsEnabled());
    m_guiActions->setObjectName(QStringLiteral("guiActions"));
    m_guiActions->setChecked(AppSettings::guiActionsEnabled());
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
    form->addRow(QString(), m_guiActions);
    form->addRow(tr("Note hotkey:"), m_hotkey);
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

    m_edits->setObjectName(QStringLiteral("recordEdits"));
    m_edits->setChecked(capture::EditSettings::enabled());
    m_watch->setObjectName(QStringLiteral("watchFolders"));
    m_watch->setPlaceholderText(tr("One folder per line, e.g. ~/notes. Git work trees of your commands are "
                                   "watched anyway."));
    m_neverWatch->setObjectName(QStringLiteral("neverWatchFolders"));
    m_neverWatch->setPlaceholderText(tr("One folder per line: nothing under it is ever recorded."));
    m_withheld->setObjectName(QStringLiteral("withheldFiles"));
    m_withheld->setPlainText(readRuleFile(capture::WithheldFiles::defaultUserPatternsPath()));
    m_withheld->setPlaceholderText(tr("One file pattern per line (* and ?), e.g. secrets.yaml: recorded as "
                                      "edited, never their content. .env, keys and credentials are already."));
    for (QPlainTextEdit* edit : {m_watch, m_neverWatch, m_withheld})
        edit->setMaximumHeight(60);
    connect(m_edits, &QCheckBox::toggled, m_watch, &QWidget::setEnabled);
    m_watch->setEnabled(m_edits->isChecked());
    form->addRow(QString(), m_edits);
    form->addRow(tr("Watch folders:"), m_watch);
    form->addRow(tr("Never watch:"), m_neverWatch);
    form->addRow(tr("Withhold files:"), m_withheld);

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

bool SettingsDialog::save(QString* error) const
{
    // Check both rule files before writing anything: a rule file with a bad line would
    // stop the next recording, so it never reaches the disk.
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
        !checkRules(
            m_withheld->toPlainText(), capture::WithheldFiles::defaultUserPatternsPath(),
            [](const QString& path, QString* why) { return capture::WithheldFiles().loadUserPatterns(path, why); },
            error))
        return false;
    const auto watch = folderList(m_watch->toPlainText(), tr("Watch folders"), error);
    if (!watch)
        return false;
    const auto neverWatch = folderList(m_neverWatch->toPlainText(), tr("Never watch"), error);
    if (!neverWatch)
        return false;
    if (!writeRuleFile(capture::WindowExclusionFilter::defaultUserRulesPath(), exclusions, error) ||
        !writeRuleFile(capture::RedactionRules::defaultUserFile(), redaction, error) ||
        !writeRuleFile(capture::WithheldFiles::defaultUserPatternsPath(), m_withheld->toPlainText(), error))
        return false;
    capture::EditSettings::setEnabled(m_edits->isChecked());
    capture::EditSettings::setWatchDirectories(*watch);
    capture::EditSettings::setExcludedDirectories(*neverWatch);

    AppSettings::setReviewerName(m_reviewer->text());
    AppSettings::setLabelSet(m_labels->toPlainText().split(QLatin1Char('\n')));
    AppSettings::setScreenshotsEnabled(m_screenshots->isChecked());
    AppSettings::setGuiActionsEnabled(m_guiActions->isChecked());
    AppSettings::setNoteHotkey(m_hotkey->keySequence().toString(QKeySequence::PortableText));
    AppSettings::setDatabasePath(m_database->text());
    return true;
}

} // namespace trailmark::gui
