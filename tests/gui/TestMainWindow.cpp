#include "MainWindow.h"
#include "SessionListModel.h"
#include "Store.h"
#include "TestSupport.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QImage>
#include <QLabel>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

using namespace trailmark;

class TestMainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void emptyDatabaseExplainsWhatToDo();
    void listsSessionsNewestFirst();
    void sessionModelIsAWellBehavedModel();
    void appIconIsCompiledIn();
};

void TestMainWindow::emptyDatabaseExplainsWhatToDo()
{
    test::TempDatabase database;
    auto store = database.open();
    gui::MainWindow window(*store);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto* pages = window.findChild<QStackedWidget*>();
    auto* empty = window.findChild<QLabel*>(QStringLiteral("emptyState"));
    QVERIFY(pages && empty);
    QCOMPARE(pages->currentWidget(), empty);
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

void TestMainWindow::sessionModelIsAWellBehavedModel()
{
    test::TempDatabase database;
    auto store = database.open();
    for (int i = 0; i < 5; ++i)
        test::createSession(*store, QStringLiteral("task %1").arg(i));
    gui::SessionListModel model(*store);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY(model.refresh(&error));
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.columnCount(), static_cast<int>(gui::SessionListModel::ColumnCount));
    QVERIFY(!model.index(0, 0).data(gui::SessionListModel::SessionIdRole).toString().isEmpty());
}

void TestMainWindow::appIconIsCompiledIn()
{
    for (const char* size : {"32x32", "256x256"}) {
        const QImage icon(QStringLiteral(":/icons/%1/apps/dev.trailmark.Trailmark.png").arg(QLatin1String(size)));
        QVERIFY2(!icon.isNull(), size);
        QCOMPARE(QStringLiteral("%1x%2").arg(icon.width()).arg(icon.height()), QLatin1String(size));
    }
}

QTEST_MAIN(TestMainWindow)
#include "TestMainWindow.moc"
