#include "gui/BackgroundJob.h"

#include <QThread>

namespace trailmark::gui {

BackgroundJob* BackgroundJob::start(QObject* receiver, Work work)
{
    auto* job = new BackgroundJob(receiver, std::move(work));
    job->m_thread->start(QThread::LowPriority);
    return job;
}

BackgroundJob::BackgroundJob(QObject* receiver, Work work)
    : QObject(receiver)
    , m_receiver(receiver)
{
    m_thread.reset(QThread::create([this, work = std::move(work)] { work(*this); }));
    m_thread->setObjectName(QStringLiteral("background job"));
    // Queued (the thread emits it): runs after the results the work delivered.
    connect(m_thread.get(), &QThread::finished, this, &QObject::deleteLater);
}

BackgroundJob::~BackgroundJob()
{
    cancel();
    {
        const std::lock_guard lock(m_receiverMutex);
        m_receiver = nullptr;
    }
    m_thread->wait();
}

void BackgroundJob::deliver(std::function<void()> onReceiver)
{
    const std::lock_guard lock(m_receiverMutex);
    // A call posted before the receiver went away is dropped with its posted events.
    if (m_receiver)
        QMetaObject::invokeMethod(m_receiver, std::move(onReceiver), Qt::QueuedConnection);
}

} // namespace trailmark::gui
