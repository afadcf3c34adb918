#include "Recorder.h"

#include "Clock.h"
#include "EventWriter.h"
#include "Platform.h"
#include "RecorderControl.h"
#include "RecorderLock.h"
#include "ScreenGrabber.h"
#include "Screenshotter.h"
#include "Store.h"
#include "Vocabulary.h"
#include "WindowExclusionFilter.h"

#include <QJsonObject>
#include <QSysInfo>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <pwd.h>
#include <unistd.h>

namespace trailmark {
namespace {

QString loginName()
{
    if (const passwd* entry = ::getpwuid(::getuid()); entry != nullptr && entry->pw_name != nullptr)
        return QString::fromLocal8Bit(entry->pw_name);
    return qEnvironmentVariable("USER");
}

} // namespace

// Between the sources and the session sink: after an AppSwitch has passed the filters
// (and so knows whether it is excluded) it asks for a screenshot of the new window.
class Recorder::ForwardingSink final : public EventSink
{
public:
    ForwardingSink(SessionSink& sink, Screenshotter* screenshotter, const Clock& clock)
        : m_sink(sink)
        , m_screenshotter(screenshotter)
        , m_clock(clock)
    {}

    void pause(qint64 atNs) { m_pauses.push_back({atNs, std::numeric_limits<qint64>::max()}); }
    void resume(qint64 atNs)
    {
        if (!m_pauses.empty())
            m_pauses.back().second = atNs;
    }
    bool isPaused() const { return !m_pauses.empty() && m_pauses.back().second == std::numeric_limits<qint64>::max(); }
    // Held while the database cannot be written: live activity is dropped (a GAP marker
    // says so later) and ingest is refused, so shell commands stay in the spool.
    void setHeld(bool held) { m_held = held; }
    bool isPausedAt(qint64 ns) const
    {
        return std::any_of(m_pauses.begin(), m_pauses.end(),
                           [ns](const auto& pause) { return ns >= pause.first && ns < pause.second; });
    }
    // Markers are the one thing recorded at the edges of a pause.
    bool recordMarker(v1::Event& event, QString* error) { return m_sink.record(event, error); }

    bool record(v1::Event& event, QString* error) override
    {
        // Nothing that happened while paused is stored, including shell commands that
        // reach the spool only after the resume: judge by the event's own time.
        if (m_held || isPausedAt(event.time_ns() != 0 ? event.time_ns() : m_clock.nowNs()))
            return true;
        if (!m_sink.record(event, error))
            return false;
        if (m_screenshotter != nullptr && event.has_app_switch())
            m_screenshotter->windowActivated(event.app_switch().window_id(), event.app_switch().excluded());
        return true;
    }
    bool recordIngestPosition(const QString& source, qint64 position, QString* error) override
    {
        if (m_held) {
            *error =
                QStringLiteral("recording is on hold until the database can be written; %1 is read then").arg(source);
            return false;
        }
        return m_sink.recordIngestPosition(source, position, error);
    }
    std::optional<qint64> ingestPosition(const QString& source, QString* error) override
    {
        return m_sink.ingestPosition(source, error);
    }

private:
    SessionSink& m_sink;
    Screenshotter* m_screenshotter;
    const Clock& m_clock;
    std::vector<std::pair<qint64, qint64>> m_pauses; // [from, to) in Unix ns; open while paused
    bool m_held = false;
};

Recorder::Recorder(RecorderOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
{
    m_storageRetry.setInterval(m_options.storageRetryInterval);
    connect(&m_storageRetry, &QTimer::timeout, this, [this] {
        QString error;
        if (!tryToResume(&error))
            spdlog::debug("recorder: the database still cannot be written: {}", error.toStdString());
    });
}

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

QString Recorder::sessionId() const
{
    return QString::fromStdString(m_session.id());
}

bool Recorder::closeInterruptedSessions(QString* error)
{
    const auto summaries = m_store->sessionSummaries(error);
    if (!summaries)
        return false;
    for (const SessionSummary& summary : *summaries) {
        const v1::Session& session = summary.session;
        // Imports have a source and are not ours to close; only live sessions are
        // left open by a recorder that died.
        if (!summary.decodeError.isEmpty() || !session.source().empty() ||
            (session.state() != v1::Session::STATE_RECORDING && session.state() != v1::Session::STATE_PAUSED))
            continue;
        v1::Session closed = session;
        closed.set_state(v1::Session::STATE_INTERRUPTED);
        closed.set_ended_ns(summary.lastEventNs > 0 ? summary.lastEventNs : session.started_ns());
        if (!m_store->updateSession(closed, error))
            return false;
        m_interrupted.append(QString::fromStdString(session.id()));
        spdlog::warn("recorder: session {} was left open by a recorder that stopped without closing it; marked "
                     "interrupted",
                     session.id());
    }
    return true;
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
    m_store = Store::open(m_options.databasePath, Store::Access::ReadWrite, error);
    if (!m_store || !closeInterruptedSessions(error)) {
        m_store.reset();
        m_lock.reset();
        return false;
    }

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

    m_writer = std::make_unique<EventWriter>(*m_store);
    m_writer->setMaxBatchAge(m_options.batchAge);
    m_writer->setKeepFailedBatches(true);
    connect(m_writer.get(), &EventWriter::writeFailed, this, &Recorder::onWriteFailed);
    m_sessionSink = std::make_unique<SessionSink>(*m_store, *m_writer, sessionId());
    if (m_exclusions)
        m_sessionSink->addFilter(m_exclusions.get());
    for (const auto& filter : m_filters)
        m_sessionSink->addFilter(filter.get());

    if (m_options.screenshots && m_grabber) {
        // The screenshotter records through the session sink: its events need no
        // screenshot of their own.
        m_screenshotter =
            std::make_unique<Screenshotter>(*m_store, *m_sessionSink, std::move(m_grabber), m_exclusions.get());
        m_screenshotter->setDelay(static_cast<int>(m_options.screenshotDelay.count()));
        connect(m_screenshotter.get(), &Screenshotter::warning, this, &Recorder::warning);
    }
    m_sink = std::make_unique<ForwardingSink>(*m_sessionSink, m_screenshotter.get(), m_store->clock());

    if (m_options.controlSocket) {
        m_control = std::make_unique<RecorderControlServer>(
            [this](const QJsonObject& request) { return handleControlRequest(request); });
        QString controlError;
        if (!m_control->listen(m_options.databasePath, &controlError)) {
            m_control.reset();
            Q_EMIT warning(QStringLiteral("`trailmark note` cannot reach this recorder: %1").arg(controlError));
        }
    }

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
        if (!source->start(*m_sink, &sourceError)) {
            Q_EMIT warning(QStringLiteral("%1 is not recorded: %2").arg(source->name(), sourceError));
            continue;
        }
        m_running.append(source->name());
    }
    spdlog::info("recorder: session {} started in {} with sources [{}]", m_session.id(),
                 m_options.databasePath.toStdString(), m_running.join(QStringLiteral(", ")).toStdString());
    return true;
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
    bool ok = isOnHold() ? tryToResume(error) : m_writer->flush(error);
    if (!ok && m_writer->unwrittenEvents() > 0) {
        *error = QStringLiteral("%1 events could not be written and are lost (%2); shell commands stay in the spool "
                                "and are stored by the next recording or `trailmark ingest`")
                     .arg(m_writer->unwrittenEvents())
                     .arg(*error);
    }
    m_storageRetry.stop();
    m_heldSinceNs = 0;
    m_session.set_ended_ns(m_store->clock().nowNs());
    m_session.set_state(v1::Session::STATE_FINISHED);
    QString updateError;
    if (!m_store->updateSession(m_session, &updateError)) {
        if (ok)
            *error = updateError;
        ok = false;
    }
    m_sink.reset();
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
    if (paused == m_sink->isPaused())
        return true;
    const qint64 now = m_store->clock().nowNs();
    v1::Event marker;
    marker.set_time_ns(now);
    marker.mutable_marker()->set_kind(paused ? v1::Marker::KIND_PAUSE : v1::Marker::KIND_RESUME);
    if (paused) {
        if (!m_sink->recordMarker(marker, error))
            return false;
        m_sink->pause(now);
        if (m_screenshotter)
            m_screenshotter->cancel();
    } else {
        m_sink->resume(now);
        if (!m_sink->recordMarker(marker, error))
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
    return m_sink && m_sink->isPaused();
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
        *error = QStringLiteral("the note was not stored: recording is on hold (%1)").arg(m_holdReason);
        return std::nullopt;
    }
    v1::Event event;
    auto* note = event.mutable_note();
    note->set_text(text.toStdString());
    note->set_kind(kind);
    note->set_origin(origin.toStdString());
    if (!m_sink->record(event, error) || !m_writer->flush(error)) {
        if (isOnHold() && m_writer->unwrittenEvents() > 0) {
            *error = QStringLiteral("the note waits in memory: recording is on hold (%1); it is stored once the "
                                    "database can be written again")
                         .arg(m_holdReason);
        }
        return std::nullopt;
    }
    if (m_screenshotter)
        m_screenshotter->captureScreen();
    return QString::fromStdString(event.id());
}

void Recorder::onWriteFailed(const QString& message)
{
    if (isOnHold() || !isRecording())
        return;
    m_heldSinceNs = m_store->clock().nowNs();
    m_holdReason = message;
    m_gapRecorded = false;
    m_sink->setHeld(true);
    if (m_screenshotter)
        m_screenshotter->cancel();
    m_storageRetry.start();
    spdlog::error("recorder: on hold, the database cannot be written: {}", message.toStdString());
    Q_EMIT storageHeld(message);
}

bool Recorder::tryToResume(QString* error)
{
    if (!m_writer->writeUnwritten(error))
        return false;
    if (!m_gapRecorded) {
        // What could not be recorded meanwhile (window activity) is said by a GAP
        // marker at the time the hold began; shell commands are read from the spool.
        m_gapRecorded = true;
        v1::Event gap;
        gap.set_time_ns(m_heldSinceNs);
        gap.mutable_marker()->set_kind(v1::Marker::KIND_GAP);
        gap.mutable_marker()->set_label(
            QStringLiteral("not recorded for %1 s: %2")
                .arg(static_cast<double>(m_store->clock().nowNs() - m_heldSinceNs) / 1e9, 0, 'f', 1)
                .arg(m_holdReason)
                .toStdString());
        QString ignored; // a failure keeps it waiting with the rest
        m_sink->recordMarker(gap, &ignored);
    }
    if (!m_writer->flush(error) || !m_writer->writeUnwritten(error))
        return false;
    m_storageRetry.stop();
    m_heldSinceNs = 0;
    m_sink->setHeld(false);
    spdlog::info("recorder: the database takes writes again; recording goes on");
    Q_EMIT storageResumed();
    for (const auto& source : m_sources)
        source->catchUp();
    return true;
}

QJsonObject Recorder::handleControlRequest(const QJsonObject& request)
{
    const auto failure = [](const QString& message) {
        return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), message}};
    };
    const QString type = request.value(QStringLiteral("request")).toString();
    if (type == QLatin1String("status")) {
        return QJsonObject{{QStringLiteral("ok"), true},
                           {QStringLiteral("session"), sessionId()},
                           {QStringLiteral("pid"), static_cast<qint64>(::getpid())}};
    }
    if (type != QLatin1String("note"))
        return failure(QStringLiteral("unknown request '%1'").arg(type));
    const auto kind = vocabulary::parseNoteKind(request.value(QStringLiteral("kind")).toString());
    if (!kind)
        return failure(QStringLiteral("unknown note kind '%1' (%2)")
                           .arg(request.value(QStringLiteral("kind")).toString(), vocabulary::noteKindChoices()));
    QString origin = request.value(QStringLiteral("origin")).toString();
    if (origin.isEmpty())
        origin = QStringLiteral("cli");
    QString error;
    const auto id = addNote(request.value(QStringLiteral("text")).toString(), *kind, origin, &error);
    if (!id)
        return failure(error);
    return QJsonObject{
        {QStringLiteral("ok"), true}, {QStringLiteral("session"), sessionId()}, {QStringLiteral("event"), *id}};
}

} // namespace trailmark
