#include "capture/import/ImportSessions.h"

#include "capture/import/ImportKeyHasher.h"
#include "capture/redact/Redactor.h"
#include "store/ImportLedger.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSysInfo>

#include <algorithm>
#include <utility>

namespace trailmark::capture {
namespace {

QString timeText(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

std::pair<QString, QString> splitHostUser(const QByteArray& hostUser)
{
    const qsizetype colon = hostUser.lastIndexOf(':');
    if (colon < 0)
        return {QString::fromUtf8(hostUser), QString()};
    return {QString::fromUtf8(hostUser.left(colon)), QString::fromUtf8(hostUser.mid(colon + 1))};
}

store::ImportKey atuinSessionKey(const QByteArray& session)
{
    return {0, ImportKeyHasher().add(QByteArrayView("atuin-session")).add(session).key()};
}

} // namespace

ImportSessions::ImportSessions(store::Store& store, store::EventWriter& writer, store::ImportLedger& ledger,
                               const Redactor& redactor, const ImportOptions& options, QString path,
                               QByteArray formatName)
    : m_store(store)
    , m_writer(writer)
    , m_ledger(ledger)
    , m_redactor(redactor)
    , m_options(options)
    , m_path(std::move(path))
    , m_formatName(std::move(formatName))
    , m_localHost(QSysInfo::machineHostName())
    , m_localUser(qEnvironmentVariable("USER"))
{}

OpenSession* ImportSessions::sessionFor(const ImportedCommand& command, qint64 startNs, QString* error)
{
    if (m_options.format == HistoryFormat::Atuin)
        return atuinSession(command, startNs, error);
    if (m_previousRow && startNs - m_previousEndNs <= m_options.idleGapNs) {
        OpenSession* previous = nullptr;
        if (!openExisting(*m_previousRow, &previous, error))
            return nullptr;
        if (previous)
            return previous;
    }
    return create(startNs, command, error);
}

// One session per atuin shell session: the one this import opened for it, the one an
// earlier import made (the ledger keeps the atuin session's key), or a new one.
OpenSession* ImportSessions::atuinSession(const ImportedCommand& command, qint64 startNs, QString* error)
{
    const auto known = m_atuinSessions.constFind(command.shellSession);
    if (known != m_atuinSessions.constEnd())
        return *known;
    const store::ImportKey key = atuinSessionKey(command.shellSession);
    std::optional<qint64> row;
    if (!m_ledger.find(key, &row, error))
        return nullptr;
    OpenSession* session = nullptr;
    if (row && !openExisting(*row, &session, error))
        return nullptr;
    // New, or its earlier session was deleted since: a new session (the key is
    // replaced to point at it).
    const bool isNew = session == nullptr;
    if (isNew && !(session = create(startNs, command, error)))
        return nullptr;
    if (isNew && !m_ledger.record(key, session->row, error))
        return nullptr;
    m_atuinSessions.insert(QByteArray(command.shellSession.constData(), command.shellSession.size()), session);
    return session;
}

// The session with this row, opened to take more commands; *session stays null when
// the session no longer exists (deleted since the earlier import). False on a read
// error.
bool ImportSessions::openExisting(qint64 row, OpenSession** session, QString* error)
{
    const auto it = m_sessions.find(row);
    if (it != m_sessions.end()) {
        *session = it->second.get();
        return true;
    }
    std::optional<QString> id;
    if (!m_ledger.sessionAt(row, &id, error))
        return false;
    if (!id)
        return true;
    auto open = std::make_unique<OpenSession>();
    open->id = *id;
    const auto stored = m_store.session(open->id, error);
    if (!stored)
        return false;
    open->host = QString::fromStdString(stored->host());
    *session = adopt(row, std::move(open));
    return true;
}

OpenSession* ImportSessions::create(qint64 startNs, const ImportedCommand& command, QString* error)
{
    auto [host, user] =
        command.hostUser.isEmpty() ? std::pair{m_localHost, m_localUser} : splitHostUser(command.hostUser);
    v1::Session session;
    session.set_task(m_options.task.isEmpty()
                         ? QStringLiteral("Imported %1").arg(QString::fromUtf8(m_formatName)).toStdString()
                         : m_options.task.toStdString());
    session.set_expert(user.toStdString());
    session.set_host(host.toStdString());
    session.set_platform("import:" + m_formatName.toStdString());
    session.set_source(m_formatName.toStdString() + ':' + m_path.toStdString());
    session.set_started_ns(startNs);
    session.set_ended_ns(startNs);
    session.set_state(v1::Session::STATE_FINISHED);
    if (!m_store.createSession(session, error))
        return nullptr;
    const QString id = QString::fromStdString(session.id());
    const auto row = m_store.sessionRow(store::uuid::fromText(id), error);
    if (!row)
        return nullptr;
    auto open = std::make_unique<OpenSession>();
    open->id = id;
    open->created = true;
    open->host = host;
    open->atuinSession = QByteArray(command.shellSession.constData(), command.shellSession.size());
    return adopt(*row, std::move(open));
}

OpenSession* ImportSessions::adopt(qint64 row, std::unique_ptr<OpenSession> session)
{
    session->row = row;
    session->idText = session->id.toStdString();
    session->hostText = session->host.toStdString();
    session->sink = std::make_unique<SessionSink>(m_store, m_writer, session->id);
    session->sink->addFilter(&m_redactor);
    OpenSession* pointer = session.get();
    m_sessions.emplace(row, std::move(session));
    m_order.push_back(pointer);
    return pointer;
}

QString ImportSessions::generatedTask(const OpenSession& session) const
{
    const QString file = QFileInfo(m_path).fileName();
    const QString span = QStringLiteral("%1 – %2").arg(timeText(session.firstNs), timeText(session.lastNs));
    if (m_options.format == HistoryFormat::Atuin)
        return QStringLiteral("Shell session %1 on %2, %3 (%4 command(s), imported from atuin)")
            .arg(QString::fromUtf8(session.atuinSession.left(8)), session.host, span)
            .arg(session.commands);
    return QStringLiteral("Shell work on %1, %2 (%3 command(s), imported from %4 %5)")
        .arg(session.host, span)
        .arg(session.commands)
        .arg(QString::fromUtf8(m_formatName), file);
}

bool ImportSessions::finish(ImportSummary* summary, QString* error)
{
    for (OpenSession* open : m_order) {
        if (open->commands == 0)
            continue;
        auto session = m_store.session(open->id, error);
        if (!session)
            return false;
        session->set_started_ns(std::min<qint64>(session->started_ns(), open->firstNs));
        session->set_ended_ns(std::max<qint64>(session->ended_ns(), open->lastNs));
        session->set_state(v1::Session::STATE_FINISHED);
        if (open->created && m_options.task.isEmpty())
            session->set_task(generatedTask(*open).toStdString());
        if (!m_store.updateSession(*session, error))
            return false;
        if (open->created)
            ++summary->sessionsCreated;
        else
            ++summary->sessionsContinued;
        summary->sessionIds.append(open->id);
    }
    return true;
}

} // namespace trailmark::capture
