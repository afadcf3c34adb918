#include "AppSettings.h"
#include "RedactionRules.h"
#include "SettingsDialog.h"
#include "TestSupport.h"
#include "WindowExclusionFilter.h"

#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>

using namespace trailmark;

class TestSettingsDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void savesReviewerLabelsAndRuleFiles();
    void aBadRuleLineIsRefusedAndNothingIsWritten();

private:
    QTemporaryDir m_config;
};

void TestSettingsDialog::init()
{
    // Rule files and settings go to a scratch config home, never the developer's.
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    QFile::remove(RedactionRules::defaultUserFile());
    QFile::remove(WindowExclusionFilter::defaultUserRulesPath());
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
    QCOMPARE(test::modeOf(RedactionRules::defaultUserFile()), 0600);
    const auto rules = RedactionRules::load(&error);
    QVERIFY2(rules, qPrintable(error));
    QCOMPARE(rules->rules().back().name, QStringLiteral("staging-token"));
    WindowExclusionFilter exclusions;
    QVERIFY2(exclusions.loadUserRules(WindowExclusionFilter::defaultUserRulesPath(), &error), qPrintable(error));
}

void TestSettingsDialog::aBadRuleLineIsRefusedAndNothingIsWritten()
{
    gui::SettingsDialog dialog;
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("exclusionRules"))->setPlainText(QStringLiteral("class Slack\n"));
    dialog.findChild<QPlainTextEdit*>(QStringLiteral("redactionRules"))
        ->setPlainText(QStringLiteral("fine = abc\nbroken = ([unclosed\n"));
    QString error;
    QVERIFY(!dialog.save(&error));
    QVERIFY2(error.contains(RedactionRules::defaultUserFile()), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String(":2")), qPrintable(error));
    QVERIFY(!QFile::exists(RedactionRules::defaultUserFile()));
    QVERIFY(!QFile::exists(WindowExclusionFilter::defaultUserRulesPath()));
}

QTEST_MAIN(TestSettingsDialog)
#include "TestSettingsDialog.moc"
