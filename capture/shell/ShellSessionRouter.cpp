#include "capture/shell/ShellSessionRouter.h"

#include "store/EventWriter.h"
#include "store/Store.h"

#include <QDateTime>
#include <QSysInfo>

namespace trailmark::capture {

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

EventSink* ShellSessionRouter::sinkFor(const SpoolFileName& name, QString* error)
{
    if (!m_recordingSessionId.isEmpty())
        return sinkForSession(m_recordingSessionId);
    const QString source = sourceFor(name.sessionId);
    QString sessionId = m_sessionBySource.value(source);
    if (sessionId.isEmpty()) {
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
        session.set_source(source.toStdString());
        if (!m_store.createSession(session, error))
            return nullptr;
        sessionId = QString::fromStdString(session.id());
        m_sessionBySource.insert(source, sessionId);
        m_created.append(sessionId);
    }
    if (!m_touchedShellSessions.contains(sessionId))
        m_touchedShellSessions.append(sessionId);
    return sinkForSession(sessionId);
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
