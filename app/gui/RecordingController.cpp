#include "gui/RecordingController.h"

#include "gui/RecorderHost.h"

#include <QDateTime>
#include <QThread>

namespace trailmark::gui {

RecordingController::RecordingController(QString databasePath, QObject* parent)
    : QObject(parent)
    , m_databasePath(std::move(databasePath))
    , m_thread(new QThread(this))
    , m_host(new RecorderHost(m_databasePath))
{
    m_thread->setObjectName(QStringLiteral("recorder"));
    m_host->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_host, &QObject::deleteLater);
    connect(m_host, &RecorderHost::started, this, [this](const QString& sessionId) {
        m_sessionId = sessionId;
        m_startedMsecs = QDateTime::currentMSecsSinceEpoch();
        setState(State::Recording);
        Q_EMIT started(sessionId);
    });
    connect(m_host, &RecorderHost::failed, this, [this](const QString& message) {
        setState(State::Idle);
        Q_EMIT failed(message);
    });
    connect(m_host, &RecorderHost::stopped, this, [this](const QString& sessionId, const QString& error) {
        setStorageProblem({});
        setState(State::Idle);
        Q_EMIT stopped(sessionId, error);
    });
    connect(m_host, &RecorderHost::pausedChanged, this,
            [this](bool paused) { setState(paused ? State::Paused : State::Recording); });
    connect(m_host, &RecorderHost::warning, this, &RecordingController::warning);
    connect(m_host, &RecorderHost::committed, this, &RecordingController::eventsCommitted);
    connect(m_host, &RecorderHost::noteResult, this, &RecordingController::noteResult);
    connect(m_host, &RecorderHost::storageHeld, this, &RecordingController::setStorageProblem);
    connect(m_host, &RecorderHost::storageResumed, this, [this] { setStorageProblem({}); });
    m_thread->start();
}

RecordingController::~RecordingController()
{
    stopAndWait();
    m_thread->quit();
    m_thread->wait();
}

void RecordingController::setStorageProblem(const QString& problem)
{
    if (problem == m_storageProblem)
        return;
    m_storageProblem = problem;
    Q_EMIT storageChanged();
}

void RecordingController::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RecordingController::start(const QString& task, const capture::SourceChoices& choices)
{
    if (m_state != State::Idle)
        return;
    m_task = task;
    m_announcements = choices.announcements();
    m_sessionId.clear();
    setState(State::Starting);
    QMetaObject::invokeMethod(
        m_host, [host = m_host, task, choices] { host->start(task, choices); }, Qt::QueuedConnection);
}

void RecordingController::setPaused(bool paused)
{
    if (m_state != State::Recording && m_state != State::Paused)
        return;
    QMetaObject::invokeMethod(
        m_host, [host = m_host, paused] { host->setPaused(paused); }, Qt::QueuedConnection);
}

void RecordingController::stop()
{
    if (m_state != State::Recording && m_state != State::Paused)
        return;
    setState(State::Stopping);
    QMetaObject::invokeMethod(
        m_host, [host = m_host] { host->stop(); }, Qt::QueuedConnection);
}

void RecordingController::addNote(const QString& text, v1::Note::Kind kind)
{
    QMetaObject::invokeMethod(
        m_host, [host = m_host, text, kind] { host->addNote(text, kind); }, Qt::QueuedConnection);
}

void RecordingController::stopAndWait()
{
    if (m_state == State::Idle || !m_thread->isRunning())
        return;
    setState(State::Stopping);
    // Blocking on purpose: the app is quitting and the session must end on disk first.
    QMetaObject::invokeMethod(
        m_host, [host = m_host] { host->stop(); }, Qt::BlockingQueuedConnection);
}

} // namespace trailmark::gui
