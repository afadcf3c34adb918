#include "team/TeamStore.h"

#include "store/EventBlobs.h"
#include "store/Store.h"
#include "store/Uuid.h"
#include "team/EventCopy.h"
#include "team/PgConnection.h"
#include "team/TeamSchema.h"

#include <QSet>
#include <QSettings>

#include <set>
#include <string>

namespace trailmark::team {
namespace {

// Events per transaction: a killed push loses at most one batch of work, and a batch is
// large enough that the round trips do not dominate.
constexpr qint64 kBatch = 4096;

} // namespace

void appendEventCopyRow(std::string& out, std::string_view sessionId, const store::Store::EventRow& row)
{
    if (row.id.size() == 16)
        out += store::uuid::toStdText(row.id.data());
    out += '\t';
    out += sessionId;
    out += '\t';
    out += std::to_string(row.seq);
    out += '\t';
    out += std::to_string(row.timeNs);
    out += '\t';
    out += std::to_string(row.kind);
    out += '\t';
    appendCopyBytea(out, row.payload);
    out += '\n';
}

QString TeamStore::connectionString(const QString& option)
{
    if (!option.isEmpty())
        return option;
    if (const QString fromEnvironment = qEnvironmentVariable("TRAILMARK_TEAM"); !fromEnvironment.isEmpty())
        return fromEnvironment;
    return QSettings().value(QLatin1String(kSettingsKey)).toString();
}

bool TeamStore::isPushable(int sessionState)
{
    return sessionState == v1::Session::STATE_FINISHED || sessionState == v1::Session::STATE_REVIEWED ||
           sessionState == v1::Session::STATE_INTERRUPTED;
}

std::unique_ptr<TeamStore> TeamStore::connect(const QString& connectionString, QString* error)
{
    if (connectionString.isEmpty()) {
        *error = QStringLiteral("no team store given: pass --team CONNINFO or set TRAILMARK_TEAM (a libpq connection "
                                "string such as \"host=db.example.org dbname=trailmark\"; passwords belong in "
                                "~/.pgpass)");
        return nullptr;
    }
    auto connection = PgConnection::open(connectionString, error);
    if (!connection)
        return nullptr;
    if (!schema::check(*connection, error))
        return nullptr;
    return std::unique_ptr<TeamStore>(new TeamStore(std::move(connection)));
}

TeamStore::TeamStore(std::unique_ptr<PgConnection> connection)
    : m_connection(std::move(connection))
{}

TeamStore::~TeamStore() = default;

bool TeamStore::ensureStaging(QString* error)
{
    if (m_stagingReady)
        return true;
    // Rows are copied into a table of this connection first, then inserted once each:
    // COPY itself cannot skip the rows a cut-off push already stored.
    if (!m_connection->exec(QStringLiteral("CREATE TEMP TABLE staging_events (LIKE trailmark.events) ON COMMIT "
                                           "DELETE ROWS"),
                            error))
        return false;
    m_stagingReady = true;
    return true;
}

std::optional<TeamStore::PushReport> TeamStore::push(store::Store& local, const QString& sessionId,
                                                     const QString& taskId,
                                                     const std::function<void(qint64, qint64)>& progress,
                                                     QString* error)
{
    const auto session = local.session(sessionId, error);
    if (!session)
        return std::nullopt;
    if (!isPushable(session->state())) {
        *error = QStringLiteral("session %1 is not finished (it is still being recorded); only finished sessions are "
                                "pushed")
                     .arg(sessionId);
        return std::nullopt;
    }
    const auto total = local.eventCount(sessionId, error);
    if (!total)
        return std::nullopt;
    const QString failedOn = QStringLiteral("cannot push session %1 to %2").arg(sessionId, m_connection->where());
    const auto fail = [&](const QString& why) {
        *error = QStringLiteral("%1: %2").arg(failedOn, why);
        if (!m_connection->isAlive())
            *error += QStringLiteral(" (the connection was lost; run the push again: it resumes where it stopped)");
        QString ignored;
        m_connection->exec(QStringLiteral("ROLLBACK"), &ignored);
        return std::nullopt;
    };

    QString why;
    const QByteArray payload = QByteArray::fromStdString(session->SerializeAsString());
    if (!m_connection->query("INSERT INTO trailmark.sessions (id, task, started_ns, payload, event_count) "
                             "VALUES ($1::uuid, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
                             {PgParam::text(sessionId), PgParam::text(session->task()),
                              PgParam::number(session->started_ns()), PgParam::bytes(payload), PgParam::number(*total)},
                             &why))
        return fail(why);
    const auto existing =
        m_connection->query("SELECT complete, (SELECT coalesce(max(seq) + 1, 0) FROM trailmark.events WHERE session = "
                            "$1::uuid) FROM trailmark.sessions WHERE id = $1::uuid",
                            {PgParam::text(sessionId)}, &why);
    if (!existing)
        return fail(why);
    if (existing->rows() == 0)
        return fail(QStringLiteral("the team store already holds a session with this id that %1 may not see (another "
                                   "expert's)")
                        .arg(m_connection->role()));
    PushReport report;
    report.sessionId = sessionId;
    report.wasComplete = existing->flag(0, 0);
    qint64 next = existing->number(0, 1);
    if (!ensureStaging(&why))
        return fail(why);

    const std::string sessionText = sessionId.toStdString();
    std::string rows;
    while (next < *total) {
        rows.clear();
        qint64 inBatch = 0;
        qint64 last = next - 1;
        const bool read = local.readEventRows(
            sessionId, next, kBatch,
            [&](const store::Store::EventRow& row) {
                appendEventCopyRow(rows, sessionText, row);
                ++inBatch;
                last = row.seq;
                return true;
            },
            error);
        if (!read)
            return std::nullopt;
        if (inBatch == 0)
            break;
        if (!m_connection->exec(QStringLiteral("BEGIN"), &why) ||
            !m_connection->copyIn("COPY staging_events FROM STDIN", rows, &why))
            return fail(why);
        const auto inserted = m_connection->query(
            "WITH added AS (INSERT INTO trailmark.events SELECT * FROM staging_events ON CONFLICT DO NOTHING "
            "RETURNING 1) SELECT count(*) FROM added",
            {}, &why);
        if (!inserted || !m_connection->exec(QStringLiteral("COMMIT"), &why))
            return fail(why);
        report.sent += inserted->number(0, 0);
        next = last + 1;
        if (progress)
            progress(next, *total);
    }

    if (!sendBlobs(local, sessionId, &why))
        return fail(why);
    const auto annotations = sendAnnotations(local, sessionId, &why);
    if (!annotations)
        return fail(why);
    report.annotations = *annotations;
    if (!linkTask(sessionId, taskId, session->task(), &why))
        return fail(why);

    const auto stored = m_connection->query(
        "UPDATE trailmark.sessions SET complete = true WHERE id = $1::uuid AND (SELECT count(*) FROM trailmark.events "
        "WHERE session = $1::uuid) = event_count RETURNING (SELECT count(*) FROM trailmark.events WHERE session = "
        "$1::uuid)",
        {PgParam::text(sessionId)}, &why);
    if (!stored)
        return fail(why);
    if (stored->rows() != 1)
        return fail(QStringLiteral("the server does not hold all %1 events after the push").arg(*total));
    report.events = stored->number(0, 0);
    return report;
}

bool TeamStore::sendBlobs(store::Store& local, const QString& sessionId, QString* error)
{
    // The blobs the session's events refer to, found by the blob_role option: only rows
    // of kinds that can hold one are decoded. A damaged row has no blob to send
    // (`trailmark verify` names it).
    std::set<std::string> keys;
    store::eventblobs::RowBlobReader reader;
    const store::eventblobs::Visitor collect = [&keys](const store::eventblobs::BlobReference& blob) {
        keys.emplace(blob.key);
    };
    if (!local.readEventRows(
            sessionId, 0, -1,
            [&](const store::Store::EventRow& row) {
                reader.read(row.kind, row.payload, collect);
                return true;
            },
            error))
        return false;
    if (keys.empty())
        return true;
    const auto linked = m_connection->query("SELECT sha256 FROM trailmark.session_blobs WHERE session = $1::uuid",
                                            {PgParam::text(sessionId)}, error);
    if (!linked)
        return false;
    for (int i = 0; i < linked->rows(); ++i)
        keys.erase(linked->bytes(i, 0).toStdString());
    for (const std::string& key : keys) {
        const QByteArray sha256 = QByteArray::fromStdString(key);
        const auto bytes = local.blob(sha256, error);
        if (!bytes)
            return false;
        const auto mime = local.blobMime(sha256, error);
        if (!mime)
            return false;
        if (!m_connection->query(
                "SELECT trailmark.add_blob($1::uuid, $2, $3, $4)",
                {PgParam::text(sessionId), PgParam::bytes(sha256), PgParam::text(*mime), PgParam::bytes(*bytes)},
                error))
            return false;
    }
    return true;
}

std::optional<qint64> TeamStore::sendAnnotations(store::Store& local, const QString& sessionId, QString* error)
{
    const auto annotations = local.annotations(sessionId, error);
    if (!annotations)
        return std::nullopt;
    const auto known = m_connection->query("SELECT id::text FROM trailmark.annotations WHERE session = $1::uuid",
                                           {PgParam::text(sessionId)}, error);
    if (!known)
        return std::nullopt;
    QSet<QString> onServer;
    for (int i = 0; i < known->rows(); ++i)
        onServer.insert(known->text(i, 0));
    qint64 sent = 0;
    for (const v1::Annotation& annotation : *annotations) {
        if (onServer.contains(QString::fromStdString(annotation.id())))
            continue;
        // A redaction rewrote the local event. When the server holds that same rewritten
        // event (pushed after the redaction), it reflects the redaction; otherwise the
        // server keeps the event as first pushed (events are immutable) and every pull
        // applies the redaction to its copy.
        bool reflected = true;
        if (annotation.redactions_size() > 0) {
            const QString target = QString::fromStdString(annotation.target_id());
            const auto localPayload = local.eventPayload(target, error);
            if (!localPayload)
                return std::nullopt;
            const auto serverPayload = m_connection->query("SELECT payload FROM trailmark.events WHERE id = $1::uuid",
                                                           {PgParam::text(target)}, error);
            if (!serverPayload)
                return std::nullopt;
            reflected = serverPayload->rows() == 1 && serverPayload->bytes(0, 0) == *localPayload;
        }
        const auto added = m_connection->query(
            "INSERT INTO trailmark.annotations (id, session, time_ns, payload, reflected) VALUES ($1::uuid, $2::uuid, "
            "$3, $4, $5) ON CONFLICT (id) DO NOTHING",
            {PgParam::text(annotation.id()), PgParam::text(sessionId),
             PgParam::number(static_cast<qint64>(annotation.time_ns())),
             PgParam::bytes(QByteArray::fromStdString(annotation.SerializeAsString())),
             PgParam::text(reflected ? std::string_view("true") : std::string_view("false"))},
            error);
        if (!added)
            return std::nullopt;
        ++sent;
    }
    return sent;
}

bool TeamStore::linkTask(const QString& sessionId, const QString& taskId, const std::string& taskText, QString* error)
{
    if (taskId.isEmpty()) {
        // Without --task: the one task titled as the session's task, if there is one.
        if (taskText.empty())
            return true;
        return m_connection
            ->query("UPDATE trailmark.sessions SET task_id = (SELECT t.id FROM trailmark.tasks t WHERE t.title = $2) "
                    "WHERE id = $1::uuid AND task_id IS NULL AND (SELECT count(*) FROM trailmark.tasks t WHERE "
                    "t.title = $2) = 1",
                    {PgParam::text(sessionId), PgParam::text(std::string_view(taskText))}, error)
            .has_value();
    }
    const auto task = resolveTask(taskId, error);
    if (!task)
        return false;
    return m_connection
        ->query("UPDATE trailmark.sessions SET task_id = $2::uuid WHERE id = $1::uuid",
                {PgParam::text(sessionId), PgParam::text(*task)}, error)
        .has_value();
}

std::optional<QList<TeamStore::TeamSession>> TeamStore::sessions(QString* error)
{
    const auto rows = m_connection->query(
        // A complete session holds all its events (push marks it so only then): only a
        // partial one's are counted, so listing a large team store reads no events.
        "SELECT s.id, s.expert, s.task, s.started_ns, s.event_count, CASE WHEN s.complete THEN s.event_count ELSE "
        "(SELECT count(*) FROM trailmark.events e WHERE e.session = s.id) END, s.complete, "
        "extract(epoch FROM s.pushed_at)::bigint FROM trailmark.sessions s ORDER BY s.started_ns DESC, s.id",
        {}, error);
    if (!rows)
        return std::nullopt;
    QList<TeamSession> sessions;
    for (int i = 0; i < rows->rows(); ++i) {
        TeamSession session;
        session.id = rows->text(i, 0);
        session.expert = rows->text(i, 1);
        session.task = rows->text(i, 2);
        session.startedNs = rows->number(i, 3);
        session.eventCount = rows->number(i, 4);
        session.storedEvents = rows->number(i, 5);
        session.complete = rows->flag(i, 6);
        session.pushedAt = QDateTime::fromSecsSinceEpoch(rows->number(i, 7), Qt::UTC);
        sessions.append(session);
    }
    return sessions;
}

} // namespace trailmark::team
