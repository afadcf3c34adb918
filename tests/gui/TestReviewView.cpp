#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/families/shell/ShellStep.h"
#include "gui/AnnotationPanel.h"
#include "gui/MainWindow.h"
#include "gui/RedactDialog.h"
#include "gui/ReviewView.h"
#include "gui/StepListModel.h"
#include "gui/TimelineWidget.h"
#include "store/Store.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTimer>
#include <QToolButton>

#include <algorithm>

using namespace trailmark;

namespace {

// Saves a picture of the widget when TRAILMARK_GUI_SHOTS names a folder (README shots).
void saveShot(QWidget& widget, const QString& name)
{
    const QString folder = qEnvironmentVariable("TRAILMARK_GUI_SHOTS");
    if (folder.isEmpty())
        return;
    QTest::qWait(100); // let pending layout and paint events land
    widget.grab().save(folder + QLatin1Char('/') + name + QStringLiteral(".png"));
}

int rowOfEvent(const gui::StepListModel& model, const QString& eventId)
{
    for (int row = 0; row < model.stepCount(); ++row)
        if (std::ranges::count(model.step(row)->eventIds, eventId.toStdString()) > 0)
            return row;
    return -1;
}

QList<v1::Annotation> annotationsBy(store::Store& store, const QString& sessionId, const std::string& reviewer)
{
    QString error;
    QList<v1::Annotation> result;
    for (const auto& annotation : store.annotations(sessionId, &error).value_or(QList<v1::Annotation>()))
        if (annotation.reviewer() == reviewer)
            result.append(annotation);
    return result;
}

} // namespace

class TestReviewView final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void showsTheStepsOfASession();
    void ratingKeysSaveAnnotationsPerReviewer();
    void labelsAndRationaleBecomeTheThought();
    void outcomePickerCorrectsTheStep();
    void verdictMarksTheSessionReviewed();
    void redactionRemovesTheTextFromTheDatabase();
    void timelineSelectsWhatIsClicked();
    void longSessionShowsStepsBeforeItFinishesLoading();

private:
    void openMessySession();

    std::unique_ptr<test::TempDatabase> m_database;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<gui::MainWindow> m_window;
    test::MessySession m_session;
};

void TestReviewView::init()
{
    m_database = std::make_unique<test::TempDatabase>();
    m_store = m_database->open();
    QVERIFY(m_store);
}

void TestReviewView::cleanup()
{
    m_window.reset();
    m_store.reset();
    m_database.reset();
}

void TestReviewView::openMessySession()
{
    m_session = test::createMessySession(*m_store);
    m_window = std::make_unique<gui::MainWindow>(*m_store);
    m_window->resize(1280, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    gui::ReviewView* review = m_window->reviewView();
    review->setReviewer(QStringLiteral("sam"));
    QSignalSpy loaded(review, &gui::ReviewView::loaded);
    m_window->openSession(m_session.sessionId);
    QVERIFY(loaded.wait(10'000));
    QVERIFY(!review->isLoading());
}

void TestReviewView::showsTheStepsOfASession()
{
    openMessySession();
    gui::StepListModel* model = m_window->reviewView()->stepModel();
    QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    // 3 notes, 3 app switches, 6 commands (one never finished).
    QCOMPARE(model->stepCount(), 12);
    const int failed = rowOfEvent(*model, m_session.failedTestEventId);
    const int recovery = rowOfEvent(*model, m_session.recoveryEventId);
    QVERIFY(failed >= 0 && recovery > failed);
    QVERIFY(model->step(failed)->outcome == chains::StepOutcome::Error);
    QCOMPARE(model->step(recovery)->retryOf, failed);
    QVERIFY(
        model->index(recovery, gui::StepListModel::MarksColumn).data().toString().contains(QLatin1String("recovers")));
    // The earlier reviewer has a column of their own.
    QVERIFY(model->reviewers().contains(QStringLiteral("rita")));
    const int wrong = rowOfEvent(*model, m_session.wrongTargetEventId);
    const int ritaColumn =
        gui::StepListModel::FixedColumnCount + static_cast<int>(model->reviewers().indexOf(QStringLiteral("rita")));
    QVERIFY(model->index(wrong, ritaColumn).data().toString().startsWith(QLatin1String("-1")));
    m_window->reviewView()->selectStep(failed);
    saveShot(*m_window, QStringLiteral("review"));
}

void TestReviewView::ratingKeysSaveAnnotationsPerReviewer()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    gui::StepListModel* model = review->stepModel();
    const int failed = rowOfEvent(*model, m_session.failedTestEventId);
    review->selectStep(failed);
    auto* table = review->findChild<QTableView*>(QStringLiteral("stepTable"));
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Minus);
    auto saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().rating(), -1);
    QVERIFY(saved.first().has_rating());
    QCOMPARE(QString::fromStdString(saved.first().target_id()), m_session.failedTestEventId);

    // Down to the next step and "+": a second annotation, on that step.
    QTest::keyClick(table, Qt::Key_Down);
    QTest::keyClick(table, Qt::Key_Plus);
    saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 2);
    QCOMPARE(saved.last().rating(), 1);
    QCOMPARE(saved.last().target_id(), model->step(failed + 1)->eventIds.front());

    // sam and rita now sit side by side.
    QVERIFY(model->reviewers().contains(QStringLiteral("sam")));
    QVERIFY(model->reviewers().contains(QStringLiteral("rita")));
    const int samColumn =
        gui::StepListModel::FixedColumnCount + static_cast<int>(model->reviewers().indexOf(QStringLiteral("sam")));
    QCOMPARE(model->index(failed, samColumn).data().toString(), QStringLiteral("-1"));
}

void TestReviewView::labelsAndRationaleBecomeTheThought()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    gui::StepListModel* model = review->stepModel();
    // The "make build" in the second shell had no note before it.
    const int wrong = rowOfEvent(*model, m_session.wrongTargetEventId);
    review->selectStep(wrong);
    auto* panel = review->findChild<gui::AnnotationPanel*>();
    auto* rationale = panel->findChild<QPlainTextEdit*>(QStringLiteral("rationale"));
    rationale->setFocus();
    // Typing "-" into the rationale must not rate the step.
    QTest::keyClicks(rationale, QStringLiteral("wrong shell - should have run make all"));
    QCOMPARE(annotationsBy(*m_store, m_session.sessionId, "sam").size(), 0);
    const auto labelButtons = panel->findChildren<QToolButton*>();
    for (QToolButton* button : labelButtons)
        if (button->text() == QLatin1String("wrong-command"))
            button->click();
    QTest::keyClick(rationale, Qt::Key_Return, Qt::ControlModifier);
    const auto saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().rationale(), std::string("wrong shell - should have run make all"));
    QCOMPARE(saved.first().labels_size(), 1);
    QCOMPARE(saved.first().labels(0), std::string("wrong-command"));
    QVERIFY(!saved.first().has_rating());
}

void TestReviewView::outcomePickerCorrectsTheStep()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    gui::StepListModel* model = review->stepModel();
    const int failed = rowOfEvent(*model, m_session.failedTestEventId);
    review->selectStep(failed);
    QVERIFY(model->data(model->index(failed, 0), gui::StepListModel::IsErrorRole).toBool());
    auto* picker = review->findChild<QComboBox*>(QStringLiteral("outcomePicker"));
    QVERIFY(picker);
    picker->setCurrentIndex(picker->findData(QStringLiteral("no-result")));
    review->findChild<QPushButton*>(QStringLiteral("saveAnnotation"))->click();
    const auto saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().corrected_outcome(), std::string("no-result"));
    // The list shows the correction at once, and says what was derived.
    const QModelIndex outcome = model->index(failed, gui::StepListModel::OutcomeColumn);
    QCOMPARE(model->data(outcome).toString(), QStringLiteral("no-result"));
    QVERIFY(!model->data(outcome, gui::StepListModel::IsErrorRole).toBool());
    QVERIFY(model->data(outcome, Qt::ToolTipRole).toString().contains(QStringLiteral("derived: error")));
    // The picker starts from "as derived" on the next step.
    review->selectStep(failed + 1);
    QVERIFY(picker->currentData().toString().isEmpty());
}

void TestReviewView::verdictMarksTheSessionReviewed()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    auto* verdict = review->findChild<QComboBox*>(QStringLiteral("verdict"));
    QCOMPARE(verdict->currentText(), QStringLiteral("Accepted")); // rita's
    verdict->setCurrentIndex(verdict->findText(QStringLiteral("Rejected")));
    review->findChild<QPushButton*>(QStringLiteral("setVerdict"))->click();
    const auto saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().verdict(), v1::Annotation::VERDICT_REJECTED);
    QCOMPARE(QString::fromStdString(saved.first().target_id()), m_session.sessionId);
    QString error;
    QCOMPARE(m_store->session(m_session.sessionId, &error)->state(), v1::Session::STATE_REVIEWED);
}

void TestReviewView::redactionRemovesTheTextFromTheDatabase()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    gui::StepListModel* model = review->stepModel();
    const int wrong = rowOfEvent(*model, m_session.wrongTargetEventId);
    review->selectStep(wrong);
    // Redact "build" in "make build" through the dialog, as a reviewer would.
    QTimer::singleShot(0, this, [] {
        auto* dialog = qobject_cast<gui::RedactDialog*>(QApplication::activeModalWidget());
        QVERIFY(dialog);
        dialog->selectField(QStringLiteral("command"));
        dialog->selectText(5, 5);
        dialog->accept();
    });
    QSignalSpy reloaded(review, &gui::ReviewView::loaded);
    review->findChild<QPushButton*>(QStringLiteral("redactButton"))->click();
    QVERIFY(reloaded.wait(10'000));
    const auto step = model->step(rowOfEvent(*model, m_session.wrongTargetEventId));
    // The reviewer's reason names the marker, as everywhere a reviewer's span is applied.
    QCOMPARE(QByteArray::fromStdString(step->as<chains::ShellStep>()->command), QByteArray("make [REDACTED:secret]"));

    // The stored event itself changed, and the redaction is on record.
    QString error;
    QByteArray stored;
    QVERIFY(m_store->readEvents(
        m_session.sessionId, 0, -1,
        [&](const store::StoredEvent& event) {
            if (QString::fromStdString(event.event.id()) == m_session.wrongTargetEventId)
                stored = QByteArray::fromStdString(event.event.command_started().command());
            return true;
        },
        &error));
    QCOMPARE(stored, QByteArray("make [REDACTED:secret]"));
    const auto saved = annotationsBy(*m_store, m_session.sessionId, "sam");
    QCOMPARE(saved.size(), 1);
    QCOMPARE(saved.first().redactions_size(), 1);
    QVERIFY(saved.first().redactions(0).applied());
    QCOMPARE(saved.first().redactions(0).offset(), 5u);
}

void TestReviewView::timelineSelectsWhatIsClicked()
{
    openMessySession();
    gui::ReviewView* review = m_window->reviewView();
    auto* timeline = review->findChild<gui::TimelineWidget*>();
    QVERIFY(timeline->lanes().contains(QStringLiteral("Firefox")));
    QVERIFY(timeline->lanes().contains(QStringLiteral("notes")));
    const int wrong = rowOfEvent(*review->stepModel(), m_session.wrongTargetEventId);
    const QRect rect = timeline->stepRect(wrong);
    QVERIFY(timeline->viewport()->rect().contains(rect.center()));
    QCOMPARE(timeline->stepAt(rect.center()), wrong);
    QTest::mouseClick(timeline->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(review->currentStep(), wrong);
    QCOMPARE(timeline->selectedStep(), wrong);
}

void TestReviewView::longSessionShowsStepsBeforeItFinishesLoading()
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("a long session"));
    {
        test::SessionScript script(*m_store, sessionId);
        for (int i = 0; i < 20'000; ++i)
            script.command(QByteArray("make test ") + QByteArray::number(i), i % 5 == 0 ? 2 : 0, "ok\n",
                           QStringLiteral("shell-A"), 10);
        QVERIFY(script.flush());
    }
    gui::ReviewView review(*m_store);
    review.resize(1280, 800);
    review.show();
    int rowsWhenLoaded = -1;
    bool rowsBeforeLoaded = false;
    connect(review.stepModel(), &QAbstractItemModel::rowsInserted, this, [&] {
        if (review.isLoading())
            rowsBeforeLoaded = true;
    });
    QSignalSpy loaded(&review, &gui::ReviewView::loaded);
    review.openSession(sessionId);
    QVERIFY(loaded.wait(30'000));
    rowsWhenLoaded = review.stepModel()->stepCount();
    QVERIFY(rowsBeforeLoaded);
    QCOMPARE(rowsWhenLoaded, 20'000);
    QCOMPARE(review.currentStep(), 0);

    // Rows anywhere read as their steps, derived again a page at a time; what is kept
    // whole stays a few pages, however far one scrolls.
    gui::StepListModel* model = review.stepModel();
    for (const int row : {19'999, 12'345, 64, 63, 7'000, 0, 15'001}) {
        review.selectStep(row);
        QCOMPARE(model->data(model->index(row, gui::StepListModel::ActionColumn)).toString(),
                 QStringLiteral("make test %1").arg(row));
        QCOMPARE(model->data(model->index(row, gui::StepListModel::OutcomeColumn)).toString(),
                 row % 5 == 0 ? QStringLiteral("exit 2") : QStringLiteral("ok"));
        QCOMPARE(model->step(row)->index, row);
    }
    // A row that cannot be derived again reads "(cannot read: …)": every row must read
    // as its own command.
    for (int row = 0; row < 20'000; row += 97)
        QCOMPARE(model->data(model->index(row, gui::StepListModel::ActionColumn)).toString(),
                 QStringLiteral("make test %1").arg(row));
    QVERIFY2(model->cachedStepCount() <= 32 * 64, qPrintable(QString::number(model->cachedStepCount())));
}

QTEST_MAIN(TestReviewView)
#include "TestReviewView.moc"
