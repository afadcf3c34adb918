#include "SessionScript.h"
#include "TestSupport.h"
#include "gui/ExportDialog.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
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

QTEST_MAIN(TestExportDialog)
#include "TestExportDialog.moc"
