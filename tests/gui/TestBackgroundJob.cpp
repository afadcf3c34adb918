#include "gui/BackgroundJob.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPointer>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>

using trailmark::gui::BackgroundJob;

class TestBackgroundJob final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resultArrivesOnTheGuiThread();
    void piecesArriveInOrder();
    void cancelReachesTheWork();
    void receiverDestroyedBeforeTheJobEnds();
    void deliveryPostedBeforeTheReceiverDiesIsDropped();
    void finishedJobDeletesItself();
};

namespace {

// Spins until flag is set or a few seconds pass; the work side of the tests.
void waitFor(const std::atomic<bool>& flag)
{
    const QDeadlineTimer deadline(5000);
    while (!flag.load() && !deadline.hasExpired())
        QThread::msleep(1);
}

} // namespace

void TestBackgroundJob::resultArrivesOnTheGuiThread()
{
    QObject receiver;
    QThread* doneThread = nullptr;
    QThread* workThread = nullptr;
    BackgroundJob::run(
        &receiver, [](BackgroundJob&) { return QThread::currentThread(); },
        [&](QThread* thread) {
            workThread = thread;
            doneThread = QThread::currentThread();
        });
    QTRY_VERIFY(doneThread != nullptr);
    QVERIFY(workThread != QCoreApplication::instance()->thread());
    QCOMPARE(doneThread, QCoreApplication::instance()->thread());
}

void TestBackgroundJob::piecesArriveInOrder()
{
    QObject receiver;
    QList<int> pieces;
    BackgroundJob::start(&receiver, [&pieces](BackgroundJob& job) {
        for (int i = 0; i < 100; ++i)
            job.deliver([&pieces, i] { pieces.append(i); });
    });
    QTRY_COMPARE(pieces.size(), 100);
    for (int i = 0; i < 100; ++i)
        QCOMPARE(pieces.at(i), i);
}

void TestBackgroundJob::cancelReachesTheWork()
{
    QObject receiver;
    std::atomic<bool> started{false};
    std::optional<bool> sawCancel;
    const QPointer<BackgroundJob> job = BackgroundJob::run(
        &receiver,
        [&started](BackgroundJob& self) {
            started.store(true);
            const QDeadlineTimer deadline(5000);
            while (!self.isCancelled() && !deadline.hasExpired())
                QThread::msleep(1);
            return self.isCancelled();
        },
        [&sawCancel](bool cancelled) { sawCancel = cancelled; });
    waitFor(started);
    job->cancel();
    QTRY_VERIFY(sawCancel.has_value());
    QVERIFY(*sawCancel);
}

void TestBackgroundJob::receiverDestroyedBeforeTheJobEnds()
{
    auto* receiver = new QObject;
    std::atomic<bool> started{false};
    auto sawCancel = std::make_shared<std::atomic<bool>>(false);
    auto delivered = std::make_shared<std::atomic<bool>>(false);
    BackgroundJob::start(receiver, [&started, sawCancel, delivered](BackgroundJob& job) {
        started.store(true);
        const QDeadlineTimer deadline(5000);
        while (!job.isCancelled() && !deadline.hasExpired())
            QThread::msleep(1);
        sawCancel->store(job.isCancelled());
        job.deliver([delivered] { delivered->store(true); });
    });
    waitFor(started);
    delete receiver; // cancels the job and waits for it
    QVERIFY(sawCancel->load());
    QCoreApplication::processEvents();
    QTest::qWait(50);
    QVERIFY(!delivered->load());
}

void TestBackgroundJob::deliveryPostedBeforeTheReceiverDiesIsDropped()
{
    auto* receiver = new QObject;
    std::atomic<bool> posted{false};
    auto delivered = std::make_shared<std::atomic<bool>>(false);
    BackgroundJob::start(receiver, [&posted, delivered](BackgroundJob& job) {
        job.deliver([delivered] { delivered->store(true); });
        posted.store(true);
    });
    waitFor(posted); // the call is queued on this thread, not run: no event loop ran
    QVERIFY(posted.load());
    delete receiver;
    QCoreApplication::processEvents();
    QTest::qWait(50);
    QVERIFY(!delivered->load());
}

void TestBackgroundJob::finishedJobDeletesItself()
{
    QObject receiver;
    bool done = false;
    const QPointer<BackgroundJob> job = BackgroundJob::run(
        &receiver, [](BackgroundJob&) { return 42; }, [&done](int value) { done = value == 42; });
    QVERIFY(job);
    QTRY_VERIFY(job.isNull());
    QVERIFY(done);
    QVERIFY(receiver.children().isEmpty());
}

QTEST_GUILESS_MAIN(TestBackgroundJob)
#include "TestBackgroundJob.moc"
