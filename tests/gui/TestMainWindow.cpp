#include "SessionScript.h"
#include "TestSupport.h"
#include "gui/MainWindow.h"
#include "gui/RecordPanel.h"
#include "gui/RecordingController.h"
#include "gui/SessionBrowser.h"
#include "gui/SessionListModel.h"
#include "store/Store.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QCheckBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTimer>

#include <sqlite3.h>

using namespace trailmark;

namespace {

void saveShot(QWidget& widget, const QString& name)
{
    const QString folder = qEnvironmentVariable("TRAILMARK_GUI_SHOTS");
    if (folder.isEmpty())
        return;
    QTest::qWait(100); // let pending layout and paint events land
    widget.grab().save(folder + QLatin1Char('/') + name + QStringLiteral(".png"));
}

void showTab(gui::MainWindow& window, QWidget* page)
{
    auto* tabs = window.findChild<QTabWidget*>(QStringLiteral("mainTabs"));
    tabs->setCurrentWidget(page);
}

} // namespace

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyDatabaseExplainsWhatToDo();
    void listsSessionsNewestFirst();
    void filtersBySearchStateAndErrors();
    void sessionModelsAreWellBehaved();
    void appIconIsCompiledIn();
    void recordsPausesAndStopsFromThePanel();
    void closingWhileRecordingAsksFirst();
    void showsAHoldWhileTheDiskIsFull();
};

void TestMainWindow::emptyDatabaseExplainsWhatToDo()
{
    test::TempDatabase database;
    auto store = database.open();
    gui::MainWindow window(*store);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // The app opens on the Record tab, ready to start.
    auto* start = window.findChild<QPushButton*>(QStringLiteral("startRecording"));
    QVERIFY(start && start->isVisible() && start->isEnabled());
    // The empty feed says what will show up in it.
    auto* feedHint = window.findChild<QLabel*>(QStringLiteral("liveFeedHint"));
    QVERIFY(feedHint && feedHint->isVisible());
    QVERIFY(feedHint->text().contains(QLatin1String("shows up here")));
    // A new user is told the README's line, which records output too.
    auto* shellLine = window.findChild<QLineEdit*>(QStringLiteral("shellSetupLine"));
    QVERIFY(shellLine && shellLine->isVisible());
    QCOMPARE(shellLine->text(), QStringLiteral("eval \"$(trailmark init bash --capture-output)\""));
    saveShot(window, QStringLiteral("record"));

    showTab(window, window.sessionBrowser());
    auto* empty = window.sessionBrowser()->findChild<QLabel*>(QStringLiteral("emptyState"));
    QVERIFY(empty);
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().contains(QLatin1String("No sessions yet")));
}

void TestMainWindow::listsSessionsNewestFirst()
{
    test::TempDatabase database;
    auto store = database.open();
    test::ManualClock clock;
    store->setClock(&clock);
    test::createSession(*store, QStringLiteral("first task"));
    clock.advanceMs(60'000);
    test::createSession(*store, QStringLiteral("second task"));
    gui::MainWindow window(*store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    showTab(window, window.sessionBrowser());
    auto* table = window.findChild<QTableView*>(QStringLiteral("sessionTable"));
    QVERIFY(table && table->isVisible());
    QCOMPARE(table->model()->rowCount(), 2);
    QCOMPARE(table->model()->index(0, gui::SessionListModel::TaskColumn).data().toString(),
             QStringLiteral("second task"));

    // A session added while the window is open shows after a reload (F5).
    clock.advanceMs(60'000);
    test::createSession(*store, QStringLiteral("third task"));
    QTest::keyClick(&window, Qt::Key_F5);
    QCOMPARE(table->model()->rowCount(), 3);
    QCOMPARE(table->model()->index(0, gui::SessionListModel::TaskColumn).data().toString(),
             QStringLiteral("third task"));
}

void TestMainWindow::filtersBySearchStateAndErrors()
{
    test::TempDatabase database;
    auto store = database.open();
    test::createMessySession(*store, QStringLiteral("make the parser tests pass"));
    const QString clean = test::createSession(*store, QStringLiteral("tidy the README"));
    {
        test::SessionScript script(*store, clean);
        script.command("git status", 0, "clean\n");
        QVERIFY(script.flush());
    }
    gui::MainWindow window(*store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    gui::SessionBrowser* browser = window.sessionBrowser();
    // Stats are derived off the GUI thread and fill in as they arrive.
    for (const QString& id : browser->sessionModel()->sessionIds())
        QTRY_VERIFY_WITH_TIMEOUT(browser->sessionModel()->hasStats(id), 10'000);
    showTab(window, browser);
    QCOMPARE(browser->visibleCount(), 2);

    auto* search = browser->findChild<QLineEdit*>(QStringLiteral("sessionSearch"));
    QTest::keyClicks(search, QStringLiteral("readme"));
    QCOMPARE(browser->visibleCount(), 1);
    // Enter in the search box opens the match for review.
    QSignalSpy activated(browser, &gui::SessionBrowser::sessionActivated);
    QTest::keyClick(search, Qt::Key_Return);
    QCOMPARE(activated.count(), 1);
    QCOMPARE(activated.first().first().toString(), clean);
    search->clear();
    // Down moves from the search box into the list.
    QTest::keyClick(search, Qt::Key_Down);
    QVERIFY(browser->findChild<QTableView*>(QStringLiteral("sessionTable"))->hasFocus() || !window.isActiveWindow());
    QVERIFY(browser->findChild<QTableView*>(QStringLiteral("sessionTable"))->currentIndex().isValid());
    QCOMPARE(browser->visibleCount(), 2);

    browser->findChild<QCheckBox*>(QStringLiteral("errorsOnly"))->setChecked(true);
    QCOMPARE(browser->visibleCount(), 1);
    auto* table = browser->findChild<QTableView*>(QStringLiteral("sessionTable"));
    QCOMPARE(table->model()->index(0, gui::SessionListModel::TaskColumn).data().toString(),
             QStringLiteral("make the parser tests pass"));
    // Stats derived from the steps: 2 errors, 1 retry, accepted by its reviewer.
    QCOMPARE(table->model()->index(0, gui::SessionListModel::ErrorsColumn).data().toInt(), 2);
    QCOMPARE(table->model()->index(0, gui::SessionListModel::RetriesColumn).data().toInt(), 1);
    QCOMPARE(table->model()->index(0, gui::SessionListModel::VerdictColumn).data().toString(),
             QStringLiteral("accepted"));
    saveShot(window, QStringLiteral("sessions"));
}

void TestMainWindow::sessionModelsAreWellBehaved()
{
    test::TempDatabase database;
    auto store = database.open();
    for (int i = 0; i < 5; ++i)
        test::createSession(*store, QStringLiteral("task %1").arg(i));
    gui::SessionListModel model(*store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    gui::SessionFilterModel filter;
    filter.setSourceModel(&model);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY(model.refresh(&error));
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), static_cast<int>(gui::SessionListModel::ColumnCount));
    QVERIFY(!model.index(0, 0).data(gui::SessionListModel::SessionIdRole).toString().isEmpty());
    model.setStats(model.index(0, 0).data(gui::SessionListModel::SessionIdRole).toString(), {3, 1, 0, 1});
    QCOMPARE(model.index(0, gui::SessionListModel::StepsColumn).data().toInt(), 3);
    filter.setSearchText(QStringLiteral("task 3"));
    QCOMPARE(filter.rowCount(), 1);
}

void TestMainWindow::appIconIsCompiledIn()
{
    for (const char* size : {"32x32", "256x256"}) {
        const QImage icon(QStringLiteral(":/icons/%1/apps/dev.trailmark.Trailmark.png").arg(QLatin1String(size)));
        QVERIFY2(!icon.isNull(), size);
        QCOMPARE(QStringLiteral("%1x%2").arg(icon.width()).arg(icon.height()), QLatin1String(size));
    }
}

void TestMainWindow::recordsPausesAndStopsFromThePanel()
{
    test::TempDatabase database;
    qputenv("TRAILMARK_SPOOL_DIR", QFile::encodeName(database.directory() + QStringLiteral("/spool")));
    auto store = database.open();
    gui::MainWindow window(*store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    gui::RecordingController* recording = window.recording();
    gui::RecordPanel* panel = window.recordPanel();
    panel->findChild<QCheckBox*>()->setChecked(false); // no screenshots in this test

    QSignalSpy started(recording, &gui::RecordingController::started);
    QTest::keyClicks(panel->findChild<QLineEdit*>(QStringLiteral("taskInput")), QStringLiteral("fix the build"));
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("startRecording")), Qt::LeftButton);
    QVERIFY(started.wait(10'000));
    QCOMPARE(recording->state(), gui::RecordingController::State::Recording);
    QVERIFY(window.windowTitle().contains(QLatin1String("Recording")));
    const QString sessionId = recording->sessionId();
    QString error;
    QCOMPARE(store->session(sessionId, &error)->task(), std::string("fix the build"));
    // Listed (and counted in the status bar) from its start, not only once it is stopped.
    QCOMPARE(window.sessionBrowser()->sessionModel()->rowCount(), 1);
    QVERIFY2(window.statusBar()->currentMessage().startsWith(QLatin1String("1 session in")),
             qPrintable(window.statusBar()->currentMessage()));

    // A note shows in the live feed once it is on disk.
    recording->addNote(QStringLiteral("the linker flags look wrong"), v1::Note::KIND_THINK_ALOUD);
    QTRY_VERIFY(panel->feedLines().join(QLatin1Char('\n')).contains(QLatin1String("the linker flags look wrong")));
    QVERIFY(panel->findChild<QListView*>(QStringLiteral("liveFeed"))->isVisible());
    QVERIFY(!panel->findChild<QLabel*>(QStringLiteral("liveFeedHint"))->isVisible());

    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("pauseRecording")), Qt::LeftButton);
    QTRY_COMPARE(recording->state(), gui::RecordingController::State::Paused);
    QCOMPARE(store->session(sessionId, &error)->state(), v1::Session::STATE_PAUSED);
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("pauseRecording")), Qt::LeftButton);
    QTRY_COMPARE(recording->state(), gui::RecordingController::State::Recording);
    saveShot(window, QStringLiteral("recording"));

    QSignalSpy stopped(recording, &gui::RecordingController::stopped);
    QTest::mouseClick(panel->findChild<QPushButton*>(QStringLiteral("stopRecording")), Qt::LeftButton);
    QVERIFY(stopped.wait(10'000));
    QCOMPARE(recording->state(), gui::RecordingController::State::Idle);
    const auto finished = store->session(sessionId, &error);
    QCOMPARE(finished->state(), v1::Session::STATE_FINISHED);
    QVERIFY(finished->ended_ns() > 0);
    // Window switches of the test's own windows may be recorded too; notes and
    // markers are what this test drives.
    QStringList kinds;
    for (const auto& event : test::eventsOf(*store, sessionId)) {
        if (event.has_note())
            kinds.append(QStringLiteral("note"));
        else if (event.has_marker())
            kinds.append(QString::fromStdString(v1::Marker::Kind_Name(event.marker().kind())));
    }
    QCOMPARE(kinds, (QStringList{QStringLiteral("note"), QStringLiteral("KIND_PAUSE"), QStringLiteral("KIND_RESUME")}));
    // The new session is listed.
    QCOMPARE(window.sessionBrowser()->sessionModel()->rowCount(), 1);
}

void TestMainWindow::closingWhileRecordingAsksFirst()
{
    test::TempDatabase database;
    qputenv("TRAILMARK_SPOOL_DIR", QFile::encodeName(database.directory() + QStringLiteral("/spool")));
    auto store = database.open();
    auto window = std::make_unique<gui::MainWindow>(*store);
    window->show();
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    gui::RecordingController* recording = window->recording();
    QSignalSpy started(recording, &gui::RecordingController::started);
    recording->start(QStringLiteral("close me"), false);
    QVERIFY(started.wait(10'000));
    const QString sessionId = recording->sessionId();

    const auto answer = [](QMessageBox::StandardButton button) {
        QTimer::singleShot(200, [button] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (box)
                box->button(button)->click();
        });
    };
    answer(QMessageBox::Cancel);
    QVERIFY(!window->close());
    QCOMPARE(recording->state(), gui::RecordingController::State::Recording);
    answer(QMessageBox::Yes);
    QVERIFY(window->close());
    QString error;
    QCOMPARE(store->session(sessionId, &error)->state(), v1::Session::STATE_FINISHED);
}

// The database fills up while recording: the Record tab says recording is on hold and
// why, notes are refused, and once space is freed the banner goes and every note that
// was taken is on disk, with a GAP marker for the hold.
void TestMainWindow::showsAHoldWhileTheDiskIsFull()
{
    test::TempDatabase database;
    qputenv("TRAILMARK_SPOOL_DIR", QFile::encodeName(database.directory() + QStringLiteral("/spool")));
    auto store = database.open();
    QString error;
    // 2 MB the user can free later, and a limit just above the file's size.
    QByteArray filler(2'000'000, Qt::Uninitialized);
    for (qsizetype i = 0; i < filler.size(); ++i)
        filler[i] = static_cast<char>((i * 7919) >> 3);
    QVERIFY2(store->putBlob(filler, QStringLiteral("test/filler"), &error), qPrintable(error));
    sqlite3_stmt* statement = nullptr;
    QCOMPARE(sqlite3_prepare_v2(store->handle(), "PRAGMA page_count", -1, &statement, nullptr), SQLITE_OK);
    QCOMPARE(sqlite3_step(statement), SQLITE_ROW);
    const qint64 pages = sqlite3_column_int64(statement, 0);
    sqlite3_finalize(statement);
    QVERIFY(pages > 0);
    gui::MainWindow window(*store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    gui::RecordingController* recording = window.recording();
    gui::RecordPanel* panel = window.recordPanel();
    auto* banner = panel->findChild<QLabel*>(QStringLiteral("storageBanner"));
    QVERIFY(banner);

    qputenv("TRAILMARK_MAX_PAGE_COUNT", QByteArray::number(pages + 4)); // the recorder's connection only
    QSignalSpy started(recording, &gui::RecordingController::started);
    recording->start(QStringLiteral("fill the disk"), false);
    QVERIFY(started.wait(10'000));
    qunsetenv("TRAILMARK_MAX_PAGE_COUNT");
    QVERIFY(!banner->isVisible());

    QSignalSpy notes(recording, &gui::RecordingController::noteResult);
    int taken = 0;
    const QString bigNote = QStringLiteral("a long thought ").repeated(400);
    while (!recording->isStorageHeld() && taken < 50) {
        recording->addNote(bigNote + QString::number(taken), v1::Note::KIND_THINK_ALOUD);
        ++taken;
        QVERIFY(notes.wait(5000));
    }
    QTRY_VERIFY(recording->isStorageHeld());
    QTRY_VERIFY(banner->isVisible());
    QVERIFY2(banner->text().contains(QLatin1String("full")), qPrintable(banner->text()));
    QVERIFY(window.windowTitle().contains(QLatin1String("On hold")));
    QVERIFY(!panel->findChild<QPushButton*>(QStringLiteral("addNote"))->isEnabled());
    // The note that met the full disk is kept, and says so.
    QVERIFY2(notes.last().at(1).toString().contains(QLatin1String("waits in memory")),
             qPrintable(notes.last().at(1).toString()));
    saveShot(window, QStringLiteral("on-hold"));

    QVERIFY(sqlite3_exec(store->handle(), "DELETE FROM blobs WHERE mime='test/filler'", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    QTRY_VERIFY_WITH_TIMEOUT(!recording->isStorageHeld(), 15'000);
    QVERIFY(!banner->isVisible());
    QTRY_VERIFY2(panel->feedLines().join(QLatin1Char('\n')).contains(QStringLiteral("— gap: not recorded for")),
                 qPrintable(panel->feedLines().join(QLatin1Char('\n'))));
    QVERIFY(window.windowTitle().contains(QLatin1String("Recording")));

    const QString sessionId = recording->sessionId();
    QSignalSpy stopped(recording, &gui::RecordingController::stopped);
    recording->stop();
    QVERIFY(stopped.wait(10'000));
    QCOMPARE(stopped.first().at(1).toString(), QString());
    int storedNotes = 0;
    int gaps = 0;
    for (const auto& event : test::eventsOf(*store, sessionId)) {
        storedNotes += event.has_note();
        gaps += event.has_marker() && event.marker().kind() == v1::Marker::KIND_GAP;
    }
    QCOMPARE(storedNotes, taken);
    QCOMPARE(gaps, 1);
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
