#pragma once

#include <QObject>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>

class QThread;

namespace trailmark::gui {

// One piece of work off the GUI thread, the only way the GUI runs work elsewhere.
//
// The job is a child of its receiver: destroying the receiver cancels the job and waits
// for it, so work never outlives the object it reports to. The work sees the job: it
// checks isCancelled() and hands results to deliver(), which runs them on the
// receiver's thread through a queued call, or drops them once the receiver is going
// away. A finished job deletes itself; hold it in a QPointer to cancel it earlier.
class BackgroundJob final : public QObject
{
    Q_OBJECT

public:
    using Work = std::function<void(BackgroundJob& job)>;

    // Starts work on a new low-priority thread. receiver must live on the GUI thread.
    static BackgroundJob* start(QObject* receiver, Work work);

    // Runs work and hands its result to done on the receiver's thread. The result is
    // copied into a queued call, so it should be cheap to copy (a value or a pointer).
    template <typename WorkReturning, typename Done>
    static BackgroundJob* run(QObject* receiver, WorkReturning work, Done done)
    {
        return start(receiver, [work = std::move(work), done = std::move(done)](BackgroundJob& job) mutable {
            job.deliver([done, result = work(job)] { done(result); });
        });
    }

    ~BackgroundJob() override; // cancels, then waits for the work to return

    // Safe from any thread; the work decides how soon it stops.
    void cancel() { m_cancelled.store(true); }
    bool isCancelled() const { return m_cancelled.load(); }
    // From the work: runs onReceiver on the receiver's thread, unless the receiver is
    // destroyed first.
    void deliver(std::function<void()> onReceiver);

private:
    BackgroundJob(QObject* receiver, Work work);

    std::unique_ptr<QThread> m_thread;
    std::atomic<bool> m_cancelled{false};
    std::mutex m_receiverMutex; // held while posting, so destruction cannot race a post
    QObject* m_receiver = nullptr;
};

} // namespace trailmark::gui
