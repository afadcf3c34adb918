#include "SessionScript.h"
#include "TestSupport.h"
#include "gui/ExportDialog.h"
#include "store/Store.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>

using namespace trailmark;

class TestExportDialog final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void exportsWithTheAnnotationsOffTheGuiThread();
    void refusesAFolderThatIsNotEmpty();
    void editStyleChoosesTheEditTool();
};

void TestExportDialog::exportsWithTheAnnotationsOffTheGuiThread()
{
    test::TempDatabase database;
    test::MessySession messy;
    {
        auto store = database.open();
        messy = test::createMessySession(*store);
    }
    const QString folder = database.directory() + QStringLiteral("/export");
    gui::ExportDialog dialog(database.path(), messy.sessionId, QStringLiteral("make the parser tests pass"));
    dialog.setOutputFolder(folder);
    dialog.setFormats({QStringLiteral("agent-chain"), QStringLiteral("reasoning")});
    dialog.setAcceptedOnly(true);
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy finished(&dialog, &gui::ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(dialog.isRunning()); // the work happens on another thread
    QVERIFY(finished.wait(30'000));
    QCOMPARE(finished.first().first().toBool(), true);
    QVERIFY2(dialog.resultText().contains(QLatin1String("Exported 1 sessions")), qPrintable(dialog.resultText()));
    if (const QString shots = qEnvironmentVariable("TRAILMARK_GUI_SHOTS"); !shots.isEmpty())
        dialog.grab().save(shots + QStringLiteral("/export.png"));

    // The reviewer's rating of the wrong "make build" is in the agent chain.
    QFile chain(folder + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chain.open(QIODevice::ReadOnly));
    bool ratedStepFound = false;
    while (!chain.atEnd()) {
        const QJsonObject row = QJsonDocument::fromJson(chain.readLine()).object();
        if (row.value(QStringLiteral("command")).toString() == QLatin1String("make build")) {
            QCOMPARE(row.value(QStringLiteral("rating")).toInt(), -1);
            ratedStepFound = true;
        }
    }
    QVERIFY(ratedStepFound);
    QVERIFY(QFile::exists(folder + QStringLiteral("/reasoning/train.jsonl")));
}

void TestExportDialog::refusesAFolderThatIsNotEmpty()
{
    test::TempDatabase database;
    {
        auto store = database.open();
        test::createMessySession(*store);
    }
    const QString folder = database.directory() + QStringLiteral("/mine");
    QDir().mkpath(folder);
    QFile keep(folder + QStringLiteral("/thesis.tex"));
    QVERIFY(keep.open(QIODevice::WriteOnly));
    keep.write("do not delete");
    keep.close();
    gui::ExportDialog dialog(database.path(), {}, {});
    dialog.setOutputFolder(folder);
    dialog.startExport();
    QVERIFY(!dialog.isRunning());
    QVERIFY2(dialog.resultText().contains(folder), qPrintable(dialog.resultText()));
    QVERIFY(QFile::exists(folder + QStringLiteral("/thesis.tex")));
}

// The dialog's edit style is the CLI's --edit-style: the chat rows' tools follow it.
void TestExportDialog::editStyleChoosesTheEditTool()
{
    test::TempDatabase database;
    {
        auto store = database.open();
        test::createMessySession(*store);
    }
    for (const QString& style : {QStringLiteral("str_replace"), QStringLiteral("apply_patch")}) {
        const QString folder = database.directory() + QStringLiteral("/export-") + style;
        gui::ExportDialog dialog(database.path(), QString(), QString());
        dialog.setOutputFolder(folder);
        dialog.setFormats({QStringLiteral("openai")});
        auto* choice = dialog.findChild<QComboBox*>(QStringLiteral("editStyle"));
        QVERIFY(choice);
        choice->setCurrentIndex(choice->findData(style));
        QVERIFY(choice->currentIndex() >= 0);
        QSignalSpy finished(&dialog, &gui::ExportDialog::exportFinished);
        dialog.startExport();
        QVERIFY(finished.wait(30'000));
        QFile rows(folder + QStringLiteral("/openai/train.jsonl"));
        QVERIFY(rows.open(QIODevice::ReadOnly));
        QStringList tools;
        for (const QJsonValue& tool :
             QJsonDocument::fromJson(rows.readLine()).object().value(QStringLiteral("tools")).toArray())
            tools.append(tool[QStringLiteral("function")][QStringLiteral("name")].toString());
        QVERIFY2(tools.contains(style == QLatin1String("apply_patch") ? QStringLiteral("apply_patch")
                                                                      : QStringLiteral("str_replace_editor")),
                 qPrintable(tools.join(QLatin1Char(','))));
    }
}

QTEST_MAIN(TestExportDialog)
#include "TestExportDialog.moc"
