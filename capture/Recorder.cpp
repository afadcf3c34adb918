#include "capture/Recorder.h"

#include "capture/InterruptedSessionRepair.h"
#include "capture/Platform.h"
#include "capture/RecorderControl.h"
#include "capture/RecorderControlHandler.h"
#include "capture/RecorderLock.h"
#include "capture/RecordingGate.h"
#include "capture/StorageHold.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/screenshot/ScreenGrabber.h"
#include "capture/screenshot/Screenshotter.h"
#include "store/Clock.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QSysInfo>

#include <spdlog/spdlog.h>

#include <pwd.h>
#include <unistd.h>

namespace trailmark::capture {
namespace {

QString loginName()
{
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_name != nullptr)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

} // namespace

Recorder::Recorder(RecorderOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{}

Recorder::~Recorder()
{
    if (isRecording()) {
        QString error;
        if (!stop(&error))
            spdlog::error("recorder: {}", error.toStdString());
    }
}

void Recorder::addSource(std::unique_ptr<CaptureSource> source)
{
    m_sources.push_back(std::move(source));
}

void Recorder::addFilter(std::unique_ptr<EventFilter> filter)
{
    m_filters.push_back(std::move(filter));
}

void Recorder::setWindowExclusions(std::unique_ptr<WindowExclusionFilter> exclusions)
{
    m_exclusions = std::move(exclusions);
}

void Recorder::setScreenGrabber(std::unique_ptr<ScreenGrabber> grabber)
{
    m_grabber = std::move(grabber);
}

void Recorder::setScreenshots(bool enabled, std::chrono::milliseconds delay)
{
    m_options.screenshots = enabled;
    m_options.screenshotDelay = delay;
}

void Recorder::addScreenshotTrigger(ScreenshotTrigger trigger)
{
    m_screenshotTriggers.push_back(trigger);
}

QString Recorder::sessionId() const
{
    return QString::fromStdString(m_session.id());
}

bool Recorder::isOnHold() const
{
    return m_hold && m_hold->isHeld();
}

bool Recorder::start(QString* error)
{
    if (isRecording())
        return true;
    m_lock = std::make_unique<RecorderLock>(m_options.databasePath);
    if (!m_lock->acquire(error)) {
        m_lock.reset();
        return false;
    }
    m_store = store::Store::open(m_options.databasePath, store::Store::Access::ReadWrite, error);
    std::optional<QStringList> interrupted;
    if (m_store)
        interrupted = InterruptedSessionRepair::closeLeftOpen(*m_store, error);
    if (!interrupted) {
        m_store.reset();
        m_lock.reset();
        return false;
    }
    m_interrupted += *interrupted;

    m_session = v1::Session();
    m_session.set_task(m_options.task.toStdString());
    m_session.set_expert((m_options.expert.isEmpty() ? loginName() : m_options.expert).toStdString());
    m_session.set_host((m_options.host.isEmpty() ? QSysInfo::machineHostName() : m_options.host).toStdString());
    m_session.set_platform((m_options.platform.isEmpty() ? currentPlatform() : m_options.platform).toStdString());
    m_session.set_state(v1::Session::STATE_RECORDING);
    m_session.set_screenshots_enabled(m_options.screenshots);
    if (!m_store->createSession(m_session, error)) {
        m_store.reset();
        m_lock.reset();
        return false;
    }

    m_writer = std::make_unique<store::EventWriter>(*m_store);
    m_writer->setMaxBatchAge(m_options.batchAge);
    m_writer->setKeepFailedBatches(true);
    m_sessionSink = std::make_unique<SessionSink>(*m_store, *m_writer, sessionId());
    if (m_exclusions)
        m_sessionSink->addFilter(m_exclusions.get());
    for (const auto& filter : m_filters)
        m_sessionSink->addFilter(filter.get());

    startScreenshots();
    m_sessionSink->setObserver([this](const v1::Event& event) {
        for (const auto& source : m_sources)
            source->observe(event);
    });
    m_sessionSink->setPreview([this](const v1::Event& event) {
        for (const auto& source : m_sources)
            source->aboutToRecord(event);
    });
    m_gate = std::make_unique<RecordingGate>(*m_sessionSink, m_screenshotter.get(), m_store->clock());
    for (const ScreenshotTrigger trigger : m_screenshotTriggers)
        m_gate->addScreenshotTrigger(trigger);
    m_hold = std::make_unique<StorageHold>(*m_writer, *m_gate, m_store->clock(), m_options.storageRetryInterval);
    connect(m_writer.get(), &store::EventWriter::writeFailed, m_hold.get(), &StorageHold::hold);
    connect(m_hold.get(), &StorageHold::held, this, [this](const QString& reason) {
        if (m_screenshotter)
            m_screenshotter->cancel();
        Q_EMIT storageHeld(reason);
    });
    connect(m_hold.get(), &StorageHold::resumed, this, &Recorder::onStorageResumed);
    startControlSocket();
    startSources();
    spdlog::info("recorder: session {} started in {} with sources [{}]", m_session.id(),
                 m_options.databasePath.toStdString(), m_running.join(QStringLiteral(", ")).toStdString());
    return true;
}

void Recorder::startScreenshots()
{
    if (!m_options.screenshots || !m_grabber)
        return;
    // The screenshotter records through the session sink: its events need no
    // screenshot of their own.
    m_screenshotter =
        std::make_unique<Screenshotter>(*m_store, *m_sessionSink, std::move(m_grabber), m_exclusions.get());
    m_screenshotter->setDelay(static_cast<int>(m_options.screenshotDelay.count()));
    connect(m_screenshotter.get(), &Screenshotter::warning, this, &Recorder::warning);
}

void Recorder::startControlSocket()
{
    if (!m_options.controlSocket)
        return;
    const RecorderControlHandler handler([this] { return sessionId(); },
                                         [this](const QString& text, v1::Note::Kind kind, const QString& origin,
                                                QString* error) { return addNote(text, kind, origin, error); },
                                         [this](const v1::Event& event, QString* error) {
                                             // What the sources hold back is stored and committed before the terminal
                                             // stores this event, so the session keeps the order things happened in.
                                             for (const auto& source : m_sources)
                                                 source->aboutToRecord(event);
                                             if (m_sessionSink && !m_sessionSink->commit(error))
                                                 return false;
                                             for (const auto& source : m_sources)
                                                 source->observe(event);
                                             return true;
                                         });
    m_control = std::make_unique<RecorderControlServer>(
        [handler](const QJsonObject& request) { return handler.answer(request); });
    QString controlError;
    if (!m_control->listen(m_options.databasePath, &controlError)) {
        m_control.reset();
        Q_EMIT warning(QStringLiteral("`trailmark note` cannot reach this recorder: %1").arg(controlError));
    }
}

void Recorder::startSources()
{
    m_running.clear();
    for (const auto& source : m_sources) {
        connect(source.get(), &CaptureSource::warning, this, [this](const QString& message) {
            // While held, the spool source fails on purpose; the user has been told why.
            if (isOnHold())
                spdlog::info("recorder: {}", message.toStdString());
            else
                Q_EMIT warning(message);
        });
        QString sourceError;
        if (!source->start(*m_gate, &sourceError)) {
            Q_EMIT warning(QStringLiteral("%1 is not recorded: %2").arg(source->name(), sourceError));
            continue;
        }
        m_running.append(source->name());
    }
}

void Recorder::onStorageResumed()
{
    Q_EMIT storageResumed();
    for (const auto& source : m_sources)
        source->catchUp();
}

bool Recorder::stop(QString* error)
{
    if (!isRecording())
        return true;
    for (const auto& source : m_sources) {
        source->stop();
        disconnect(source.get(), nullptr, this, nullptr);
    }
    m_control.reset();
    if (m_screenshotter)
        m_screenshotter->cancel();
    bool ok = isOnHold() ? m_hold->tryToResume(error) : m_writer->flush(error);
    if (!ok && m_writer->unwrittenEvents() > 0) {
        *error = QStringLiteral("%1 events could not be written and are lost (%2); shell commands stay in the spool "
                                "and are stored by the next recording or `trailmark ingest`")
                     .arg(m_writer->unwrittenEvents())
                     .arg(*error);
    }
    m_hold.reset();
    m_session.set_ended_ns(m_store->clock().nowNs());
    m_session.set_state(v1::Session::STATE_FINISHED);
    QString updateError;
    if (!m_store->updateSession(m_session, &updateError)) {
        if (ok)
            *error = updateError;
        ok = false;
    }
    m_gate.reset();
    m_screenshotter.reset();
    m_sessionSink.reset();
    m_writer.reset();
    m_store.reset();
    m_lock.reset();
    spdlog::info("recorder: session {} finished", m_session.id());
    return ok;
}

bool Recorder::setPaused(bool paused, QString* error)
{
    if (!isRecording()) {
        *error = QStringLiteral("not recording");
        return false;
    }
    if (paused == m_gate->isPaused())
        return true;
    const qint64 now = m_store->clock().nowNs();
    v1::Event marker;
    marker.set_time_ns(now);
    marker.mutable_marker()->set_kind(paused ? v1::Marker::KIND_PAUSE : v1::Marker::KIND_RESUME);
    if (paused) {
        if (!m_gate->recordMarker(marker, error))
            return false;
        m_gate->pause(now);
        if (m_screenshotter)
            m_screenshotter->cancel();
    } else {
        m_gate->resume(now);
        if (!m_gate->recordMarker(marker, error))
            return false;
    }
    m_session.set_state(paused ? v1::Session::STATE_PAUSED : v1::Session::STATE_RECORDING);
    if (!m_store->updateSession(m_session, error))
        return false;
    spdlog::info("recorder: session {} {}", m_session.id(), paused ? "paused" : "resumed");
    return m_writer->flush(error);
}

bool Recorder::isPaused() const
{
    return m_gate && m_gate->isPaused();
}

std::optional<QString> Recorder::addNote(const QString& text, v1::Note::Kind kind, const QString& origin,
                                         QString* error)
{
    if (!isRecording()) {
        *error = QStringLiteral("not recording");
        return std::nullopt;
    }
    if (text.trimmed().isEmpty()) {
        *error = QStringLiteral("the note is empty");
        return std::nullopt;
    }
    if (isPaused()) {
        *error = QStringLiteral("recording is paused; resume it to add notes");
        return std::nullopt;
    }
    if (isOnHold()) {
        *error = QStringLiteral("the note was not stored: recording is on hold (%1)").arg(m_hold->reason());
        return std::nullopt;
    }
    v1::Event event;
    auto* note = event.mutable_note();
    note->set_text(text.toStdString());
    note->set_kind(kind);
    note->set_origin(origin.toStdString());
    if (!m_gate->record(event, error) || !m_writer->flush(error)) {
        if (isOnHold() && m_writer->unwrittenEvents() > 0) {
            *error = QStringLiteral("the note waits in memory: recording is on hold (%1); it is stored once the "
                                    "database can be written again")
                         .arg(m_hold->reason());
        }
        return std::nullopt;
    }
    if (m_screenshotter)
        m_screenshotter->captureScreen();
    return QString::fromStdString(event.id());
}

} // namespace trailmark::capture
