#include "TestSupport.h"
#include "capture/SourceChoices.h"
#include "capture/edit/WithheldFiles.h"
#include "capture/redact/RedactionRules.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "gui/AppSettings.h"
#include "gui/SettingsDialog.h"

#include <QCheckBox>
#include <QDir>
#include <QFile>
#include <QKeySequenceEdit>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSettings>
#include <QTest>

using namespace trailmark;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void savesReviewerLabelsAndRuleFiles();
    void aBadRuleLineIsRefusedAndNothingIsWritten();
    void fileEditFoldersAndWithheldPatterns();
    void captureChoicesKeepTheirSettingsKeys();

private:
    // Folders as the edit source's settings hold them, as `trailmark record` reads them.
    static QStringList saved(const QString& option)
    {
        return capture::SourceChoices::fromSettings().directories(option);
    }
    QTemporaryDir m_config;
};

void TestSettingsDialog::init()
{
    // Rule files and settings go to a scratch config home, never the developer's.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    QFile::remove(capture::RedactionRules::defaultUserFile());
    QFile::remove(capture::WindowExclusionFilter::defaultUserRulesPath());
}

void TestSettingsDialog::savesReviewerLabelsAndRuleFiles()
{
    gui::SettingsDialog dialog;
    dialog.findChild<QLineEdit*>(QStringLiteral("reviewerName"))->setText(QStringLiteral("  grace "));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("labelSet"))
        ->setPlainText(QStringLiteral("good-recovery\n\nwrong-tool\ngood-recovery\n"));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("exclusionRules"))->setPlainText(QStringLiteral("class Slack\n"));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("redactionRules"))
        ->setPlainText(QStringLiteral("# our staging tokens\nstaging-token = stg_[A-Za-z0-9]{16}\n"));
    QString error;
    QVERIFY2(dialog.save(&error), qPrintable(error));
    QCOMPARE(gui::AppSettings::reviewerName(), QStringLiteral("grace"));
    QCOMPARE(gui::AppSettings::labelSet(),
             (QStringList{QStringLiteral("good-recovery"), QStringLiteral("wrong-tool")}));

    // The rule files are the ones capture reads, private, and they work.
    QCOMPARE(test::modeOf(capture::RedactionRules::defaultUserFile()), 0600);
    const auto rules = capture::RedactionRules::load(&error);
    QVERIFY2(rules, qPrintable(error));
    QCOMPARE(rules->rules().back().name, QStringLiteral("staging-token"));
    capture::WindowExclusionFilter exclusions;
    QVERIFY2(exclusions.loadUserRules(capture::WindowExclusionFilter::defaultUserRulesPath(), &error),
             qPrintable(error));
}

void TestSettingsDialog::aBadRuleLineIsRefusedAndNothingIsWritten()
{
    gui::SettingsDialog dialog;
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("exclusionRules"))->setPlainText(QStringLiteral("class Slack\n"));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("redactionRules"))
        ->setPlainText(QStringLiteral("fine = abc\nbroken = ([unclosed\n"));
    QString error;
    QVERIFY(!dialog.save(&error));
    QVERIFY2(error.contains(capture::RedactionRules::defaultUserFile()), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String(":2")), qPrintable(error));
    QVERIFY(!QFile::exists(capture::RedactionRules::defaultUserFile()));
    QVERIFY(!QFile::exists(capture::WindowExclusionFilter::defaultUserRulesPath()));
}

void TestSettingsDialog::fileEditFoldersAndWithheldPatterns()
{
    QTemporaryDir notes;
    QTemporaryDir privateFolder;
    {
        gui::SettingsDialog dialog;
        // A folder that does not exist is refused, and then nothing is saved.
        dialog.findChild<QPlainTextEdit*>(QStringLiteral("watchFolders"))
            ->setPlainText(notes.path() + QStringLiteral("\nrelative/dir\n"));
        QString error;
        QVERIFY(!dialog.save(&error));
        QVERIFY2(error.contains(QStringLiteral("relative/dir is not a folder")), qPrintable(error));
        QVERIFY(saved(QStringLiteral("watch")).isEmpty());
    }
    gui::SettingsDialog dialog;
    dialog.findChild<QCheckBox*>(QStringLiteral("recordEdits"))->setChecked(true);
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("watchFolders"))
        ->setPlainText(notes.path() + QStringLiteral("\n\n") + notes.path() + QStringLiteral("/\n"));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("neverWatchFolders"))->setPlainText(privateFolder.path());
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("withheldFiles"))
        ->setPlainText(QStringLiteral("# ours\nsecrets.yaml\n"));
    QString error;
    QVERIFY2(dialog.save(&error), qPrintable(error));
    // What `trailmark record` reads: the same settings and the same pattern file.
    QCOMPARE(saved(QStringLiteral("watch")), QStringList{notes.path()});
    QCOMPARE(saved(QStringLiteral("excludeDirs")), QStringList{privateFolder.path()});
    capture::WithheldFiles withheld;
    QVERIFY2(withheld.loadUserPatterns(capture::WithheldFiles::defaultUserPatternsPath(), &error), qPrintable(error));
    QVERIFY(withheld.isWithheld(QStringLiteral("deploy/secrets.yaml")));
    QVERIFY(!withheld.isWithheld(QStringLiteral("deploy/values.yaml")));
    QCOMPARE(test::modeOf(capture::WithheldFiles::defaultUserPatternsPath()), 0600);
}

// The entries the capture sources declare read and write the keys existing users'
// settings files already hold.
void TestSettingsDialog::captureChoicesKeepTheirSettingsKeys()
{
    QSettings().clear(); // the folders of the test before are gone
    QSettings().setValue(QStringLiteral("capture/screenshots"), false);
    QSettings().setValue(QStringLiteral("capture/guiActions"), false);
    QSettings().setValue(QStringLiteral("capture/noteHotkey"), QStringLiteral("Ctrl+Alt+M"));
    gui::SettingsDialog dialog;
    QCheckBox* screenshots = nullptr;
    for (QCheckBox* box : dialog.findChildren<QCheckBox*>()) {
        if (box->text() == QLatin1String("Take screenshots of the active window while recording"))
            screenshots = box;
    }
    QVERIFY(screenshots);
    QVERIFY(!screenshots->isChecked());
    const auto hotkeys = dialog.findChildren<QKeySequenceEdit*>();
    QCOMPARE(hotkeys.size(), 1);
    QCOMPARE(hotkeys.first()->keySequence(), QKeySequence(QStringLiteral("Ctrl+Alt+M")));
    dialog.findChild<QCheckBox*>(QStringLiteral("guiActions"))->setChecked(true);
    QString error;
    QVERIFY2(dialog.save(&error), qPrintable(error));
    QCOMPARE(QSettings().value(QStringLiteral("capture/guiActions")).toBool(), true);
    QCOMPARE(QSettings().value(QStringLiteral("capture/screenshots")).toBool(), false);
    QCOMPARE(QSettings().value(QStringLiteral("capture/noteHotkey")).toString(), QStringLiteral("Ctrl+Alt+M"));
}

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
