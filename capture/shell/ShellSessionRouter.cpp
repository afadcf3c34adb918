#include "capture/shell/ShellSessionRouter.h"

#include "store/EventWriter.h"
#include "store/Store.h"

#include <QDateTime>
#include <QSysInfo>

namespace trailmark::capture {

// Stands for the session of one shell until its first event: only then is the session
// looked up or created, in the writer's open batch, so it commits with that event.
// Ingest positions need no session (they are keyed by spool file).
class ShellSessionRouter::ShellSessionSink final : public EventSink
{
public:
    ShellSessionSink(ShellSessionRouter& router, SpoolFileName name, QString sessionId)
        : m_router(router)
        , m_name(std::move(name))
        , m_sessionId(std::move(sessionId))
    {}

    bool record(v1::Event& event, QString* error) override
    {
        if (m_sink)
            return m_sink->record(event, error) && m_router.touch(m_sessionId);
        const bool create = m_sessionId.isEmpty();
        if (create && (!m_router.m_writer.beginBatch(error) ||
                       (m_sessionId = m_router.createShellSession(m_name, error)).isEmpty()))
            return false;
        SessionSink* sink = m_router.sinkForSession(m_sessionId);
        if (!sink->record(event, error)) {
            // The writer rolled its batch back, and with it the session created in it.
            if (create) {
                m_router.forgetShellSession(m_name, m_sessionId);
                m_sessionId.clear();
            }
            return false;
        }
        m_sink = sink;
        return m_router.touch(m_sessionId);
    }
    bool commit(QString* error) override { return m_router.m_writer.flush(error); }
    bool recordIngestPosition(const QString& source, qint64 position, QString* error) override
    {
        return m_router.m_writer.setIngestPosition(source, position, error);
    }
    std::optional<qint64> ingestPosition(const QString& source, QString* error) override
    {
        return m_router.m_store.ingestPosition(source, error);
    }

private:
    ShellSessionRouter& m_router;
    SpoolFileName m_name;
    QString m_sessionId; // empty until created
    SessionSink* m_sink = nullptr;
};

ShellSessionRouter::ShellSessionRouter(store::Store& store, store::EventWriter& writer)
    : m_store(store)
    , m_writer(writer)
{}

ShellSessionRouter::~ShellSessionRouter() = default;

QString ShellSessionRouter::sourceFor(const QString& shellSessionId)
{
    return QStringLiteral("shell-spool:") + shellSessionId;
}

bool ShellSessionRouter::prepare(QString* error)
{
    const auto summaries = m_store.sessionSummaries(error);
    if (!summaries)
        return false;
    m_recordingSessionId.clear();
    m_sessionBySource.clear();
    // The shell sinks hold session ids found by the previous prepare().
    m_shellSinks.clear();
    for (const store::SessionSummary& summary : *summaries) { // newest first
        const v1::Session& session = summary.session;
        if (!summary.decodeError.isEmpty())
            continue;
        if (session.state() == v1::Session::STATE_RECORDING && m_recordingSessionId.isEmpty())
            m_recordingSessionId = QString::fromStdString(session.id());
        if (!session.source().empty())
            m_sessionBySource.insert(QString::fromStdString(session.source()), QString::fromStdString(session.id()));
    }
    return true;
}

SessionSink* ShellSessionRouter::sinkForSession(const QString& sessionId)
{
    auto& sink = m_sinks[sessionId];
    if (!sink) {
        sink = std::make_unique<SessionSink>(m_store, m_writer, sessionId);
        for (const EventFilter* filter : std::as_const(m_filters))
            sink->addFilter(filter);
    }
    return sink.get();
}

EventSink* ShellSessionRouter::sinkFor(const SpoolFileName& name, QString*)
{
    if (!m_recordingSessionId.isEmpty()) {
        SessionSink* sink = sinkForSession(m_recordingSessionId);
        sink->setPreview(m_recordingPreview);
        return sink;
    }
    const QString source = sourceFor(name.sessionId);
    auto& sink = m_shellSinks[source];
    if (!sink)
        sink = std::make_unique<ShellSessionSink>(*this, name, m_sessionBySource.value(source));
    return sink.get();
}

QString ShellSessionRouter::createShellSession(const SpoolFileName& name, QString* error)
{
    const QString host = QSysInfo::machineHostName();
    const QDateTime started = QDateTime::fromMSecsSinceEpoch(name.startUs / 1000);
    v1::Session session;
    session.set_task(QStringLiteral("shell session %1 %2 (%3 pid %4)")
                         .arg(host, started.toString(QStringLiteral("yyyy-MM-dd HH:mm")), name.shell)
                         .arg(name.pid)
                         .toStdString());
    session.set_expert(qEnvironmentVariable("USER").toStdString());
    session.set_host(host.toStdString());
    session.set_platform("linux-shell");
    session.set_started_ns(name.startUs * 1000);
    session.set_state(v1::Session::STATE_FINISHED);
    const QString source = sourceFor(name.sessionId);
    session.set_source(source.toStdString());
    if (!m_store.createSession(session, error))
        return {};
    const QString sessionId = QString::fromStdString(session.id());
    m_sessionBySource.insert(source, sessionId);
    m_created.append(sessionId);
    return sessionId;
}

bool ShellSessionRouter::touch(const QString& sessionId)
{
    if (!m_touchedShellSessions.contains(sessionId))
        m_touchedShellSessions.append(sessionId);
    return true;
}

void ShellSessionRouter::forgetShellSession(const SpoolFileName& name, const QString& sessionId)
{
    m_sessionBySource.remove(sourceFor(name.sessionId));
    m_created.removeAll(sessionId);
    m_touchedShellSessions.removeAll(sessionId);
    m_sinks.erase(sessionId);
}

bool ShellSessionRouter::finish(QString* error)
{
    if (!m_writer.flush(error))
        return false;
    for (const QString& sessionId : std::as_const(m_touchedShellSessions)) {
        auto session = m_store.session(sessionId, error);
        if (!session)
            return false;
        qint64 lastNs = session->started_ns();
        const auto count = m_store.eventCount(sessionId, error);
        if (!count)
            return false;
        if (*count > 0 && !m_store.readEvents(
                              sessionId, *count - 1, 1,
                              [&](const store::StoredEvent& stored) {
                                  lastNs = std::max<qint64>(lastNs, stored.event.time_ns());
                                  return true;
                              },
                              error))
            return false;
        if (session->ended_ns() != lastNs) {
            session->set_ended_ns(lastNs);
            if (!m_store.updateSession(*session, error))
                return false;
        }
    }
    m_touchedShellSessions.clear();
    return true;
}

} // namespace trailmark::capture
