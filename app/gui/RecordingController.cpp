#include "RecordingController.h"

#include "CaptureSetup.h"
#include "EventWriter.h"
#include "PrivateFiles.h"
#include "Recorder.h"

#include <QDateTime>
#include <QThread>

#include <spdlog/spdlog.h>

namespace trailmark::gui {

// Lives on the worker thread and owns the Recorder there.
class RecorderHost final : public QObject
{
    Q_OBJECT

public:
    explicit RecorderHost(QString databasePath)
        : m_databasePath(std::move(databasePath))
    {}

    void start(const QString& task, bool screenshots)
    {
        RecorderOptions options;
        options.databasePath = m_databasePath;
        options.task = task;
        options.screenshots = screenshots;
        m_recorder = std::make_unique<Recorder>(options);
        connect(m_recorder.get(), &Recorder::warning, this, &RecorderHost::warning);
        QString error;
        QStringList warnings;
        if (!StandardCapture::addTo(*m_recorder, screenshots, paths::spoolDirectory(), &warnings, &error) ||
            !m_recorder->start(&error)) {
            m_recorder.reset();
            Q_EMIT failed(error);
            return;
        }
        connect(m_recorder->writer(), &EventWriter::committed, this, &RecorderHost::committed);
        for (const QString& message : std::as_const(warnings))
            Q_EMIT warning(message);
        for (const QString& interrupted : m_recorder->interruptedSessions())
            Q_EMIT warning(tr("Session %1 was left open by a recorder that stopped unexpectedly; it is marked "
                              "interrupted.")
                               .arg(interrupted));
        Q_EMIT started(m_recorder->sessionId());
    }

    void setPaused(bool paused)
    {
        QString error;
        if (!m_recorder || !m_recorder->setPaused(paused, &error))
            Q_EMIT warning(tr("Cannot %1: %2").arg(paused ? tr("pause") : tr("resume"), error));
        else
            Q_EMIT pausedChanged(paused);
    }

    void addNote(const QString& text, int kind)
    {
        QString error;
        const bool ok =
            m_recorder && m_recorder->addNote(text, static_cast<v1::Note::Kind>(kind), QStringLiteral("gui"), &error);
        Q_EMIT noteResult(ok, m_recorder ? error : tr("not recording"));
    }

    void stop()
    {
        if (!m_recorder)
            return;
        const QString sessionId = m_recorder->sessionId();
        QString error;
        if (!m_recorder->stop(&error))
            spdlog::error("recording {} did not stop cleanly: {}", sessionId.toStdString(), error.toStdString());
        m_recorder.reset();
        Q_EMIT stopped(sessionId, error);
    }

Q_SIGNALS:
    void started(const QString& sessionId);
    void stopped(const QString& sessionId, const QString& error);
    void failed(const QString& message);
    void warning(const QString& message);
    void committed();
    void pausedChanged(bool paused);
    void noteResult(bool ok, const QString& error);

private:
    QString m_databasePath;
    std::unique_ptr<Recorder> m_recorder;
};

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
        setState(State::Idle);
        Q_EMIT stopped(sessionId, error);
    });
    connect(m_host, &RecorderHost::pausedChanged, this,
            [this](bool paused) { setState(paused ? State::Paused : State::Recording); });
    connect(m_host, &RecorderHost::warning, this, &RecordingController::warning);
    connect(m_host, &RecorderHost::committed, this, &RecordingController::eventsCommitted);
    connect(m_host, &RecorderHost::noteResult, this, &RecordingController::noteResult);
    m_thread->start();
}

RecordingController::~RecordingController()
{
    stopAndWait();
    m_thread->quit();
    m_thread->wait();
}

void RecordingController::setState(State state)
{
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}

void RecordingController::start(const QString& task, bool screenshots)
{
    if (m_state != State::Idle)
        return;
    m_task = task;
    m_sessionId.clear();
    setState(State::Starting);
    QMetaObject::invokeMethod(
        m_host, [host = m_host, task, screenshots] { host->start(task, screenshots); }, Qt::QueuedConnection);
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

#include "RecordingController.moc"
