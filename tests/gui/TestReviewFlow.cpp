// The whole desktop flow a new user goes through, on real windows: record a session
// while switching between two applications, open it for review, rate two steps, set a
// verdict, export, and find the annotations in the exported files.

#include "TestSupport.h"
#include "X11TestClient.h"
#include "capture/SourceChoices.h"
#include "chains/families/window/AppStep.h"
#include "gui/AnnotationPanel.h"
#include "gui/ExportDialog.h"
#include "gui/MainWindow.h"
#include "gui/RecordingController.h"
#include "gui/ReviewView.h"
#include "gui/SessionBrowser.h"
#include "gui/StepListModel.h"
#include "store/Store.h"

#include <QComboBox>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace trailmark;

class TestReviewFlow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void recordReviewAndExport();
};

void TestReviewFlow::recordReviewAndExport()
{
    test::TempDatabase database;
    qputenv("TRAILMARK_SPOOL_DIR", QFile::encodeName(database.directory() + QStringLiteral("/spool")));
    auto store = database.open();
    gui::MainWindow window(*store);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.reviewView()->setReviewer(QStringLiteral("flow-reviewer"));

    // Record while a person switches between an editor and a browser.
    test::X11TestClient x;
    QVERIFY(x.isConnected());
    test::X11TestClient::WindowSpec editorSpec;
    editorSpec.instance = QStringLiteral("flow-editor");
    editorSpec.appClass = QStringLiteral("FlowEditor");
    editorSpec.netWmName = QStringLiteral("parser.py - FlowEditor");
    test::X11TestClient::WindowSpec browserSpec;
    browserSpec.instance = QStringLiteral("flow-browser");
    browserSpec.appClass = QStringLiteral("FlowBrowser");
    browserSpec.netWmName = QStringLiteral("shlex docs - FlowBrowser");
    const xcb_window_t editor = x.createWindow(editorSpec);
    const xcb_window_t browser = x.createWindow(browserSpec);

    // The recorder stores the window active when it starts, then every switch.
    QVERIFY(test::X11TestClient::activate(editor));
    gui::RecordingController* recording = window.recording();
    QSignalSpy started(recording, &gui::RecordingController::started);
    // As the Record tab starts it, without screenshots.
    capture::SourceChoices choices = capture::SourceChoices::fromSettings();
    choices.set(QStringLiteral("screenshots"), false);
    recording->start(QStringLiteral("fix the quoting bug"), choices);
    QVERIFY(started.wait(10'000));
    const QString sessionId = recording->sessionId();
    QVERIFY(test::X11TestClient::activate(browser));
    QVERIFY(test::X11TestClient::activate(editor));
    // Wait until all three switches are on disk, as another reader sees them.
    const auto switchesStored = [&] {
        int switches = 0;
        QString error;
        store->readEvents(
            sessionId, 0, -1,
            [&](const store::StoredEvent& stored) {
                const auto& body = stored.event.app_switch();
                switches += stored.event.has_app_switch() && body.app_class().rfind("Flow", 0) == 0 ? 1 : 0;
                return true;
            },
            &error);
        return switches;
    };
    QTRY_VERIFY_WITH_TIMEOUT(switchesStored() >= 3, 10'000);
    QSignalSpy stopped(recording, &gui::RecordingController::stopped);
    recording->stop();
    QVERIFY(stopped.wait(10'000));

    // Open it from the session list, as a double click / Enter would.
    gui::ReviewView* review = window.reviewView();
    QSignalSpy loaded(review, &gui::ReviewView::loaded);
    window.openSession(sessionId);
    QVERIFY(loaded.wait(10'000));
    gui::StepListModel* steps = review->stepModel();
    QStringList apps;
    const auto appClassAt = [steps](int row) {
        const auto* app = steps->step(row)->as<chains::AppStep>();
        return app ? app->appClass : QString();
    };
    for (int row = 0; row < steps->stepCount(); ++row)
        if (appClassAt(row).startsWith(QLatin1String("Flow")))
            apps.append(appClassAt(row));
    QCOMPARE(apps,
             (QStringList{QStringLiteral("FlowEditor"), QStringLiteral("FlowBrowser"), QStringLiteral("FlowEditor")}));

    // Rate the two switches to the editor with the keyboard.
    auto* table = review->findChild<QTableView*>(QStringLiteral("stepTable"));
    QStringList ratedEvents;
    int rated = 0;
    for (int row = 0; row < steps->stepCount() && rated < 2; ++row) {
        if (appClassAt(row) != QLatin1String("FlowEditor"))
            continue;
        review->selectStep(row);
        table->setFocus();
        QTest::keyClick(table, rated == 0 ? Qt::Key_Plus : Qt::Key_Minus);
        ratedEvents.append(QString::fromStdString(steps->step(row)->eventIds.front()));
        ++rated;
    }
    QCOMPARE(rated, 2);
    auto* verdict = review->findChild<QComboBox*>(QStringLiteral("verdict"));
    verdict->setCurrentIndex(verdict->findText(QStringLiteral("Accepted")));
    review->findChild<QPushButton*>(QStringLiteral("setVerdict"))->click();

    // Export the accepted sessions and find the ratings in the agent chain.
    const QString folder = database.directory() + QStringLiteral("/export");
    gui::ExportDialog dialog(store->path(), sessionId, QStringLiteral("fix the quoting bug"));
    dialog.setOutputFolder(folder);
    dialog.setFormats({QStringLiteral("agent-chain")});
    dialog.setAcceptedOnly(true);
    QSignalSpy exported(&dialog, &gui::ExportDialog::exportFinished);
    dialog.startExport();
    QVERIFY(exported.wait(30'000));
    QVERIFY2(exported.first().first().toBool(), qPrintable(dialog.resultText()));
    QFile chain(folder + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chain.open(QIODevice::ReadOnly));
    QList<int> ratings;
    while (!chain.atEnd()) {
        const QJsonObject row = QJsonDocument::fromJson(chain.readLine()).object();
        if (row.value(QStringLiteral("app")).toString() == QLatin1String("FlowEditor"))
            ratings.append(row.value(QStringLiteral("rating")).toInt(99));
    }
    QCOMPARE(ratings, (QList<int>{1, -1}));
    x.destroyWindow(editor);
    x.destroyWindow(browser);
}

QTEST_MAIN(TestReviewFlow)
#include "TestReviewFlow.moc"
