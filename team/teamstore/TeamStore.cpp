#include "teamstore/TeamStore.h"

#include "store/Store.h"
#include "store/Uuid.h"
#include "teamstore/PgConnection.h"
#include "teamstore/TeamSchema.h"

#include <string>

namespace trailmark::teamstore {
namespace {

// Events per transaction: a killed push loses at most one batch of work, and a batch is
// large enough that the round trips do not dominate.
constexpr qint64 kBatch = 4096;

std::string uuidText(std::string_view raw16)
{
    return raw16.size() == 16 ? store::uuid::toStdText(raw16.data()) : std::string();
}

void appendNumber(std::string& out, qint64 number)
{
    out += std::to_string(number);
}

} // namespace

QString TeamStore::connectionString(const QString& option)
{
    if (!option.isEmpty())
        return option;
    return qEnvironmentVariable("TRAILMARK_TEAM");
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
                                                     const std::function<void(qint64, qint64)>& progress,
                                                     QString* error)
{
    const auto session = local.session(sessionId, error);
    if (!session)
        return std::nullopt;
    if (session->state() != v1::Session::STATE_FINISHED) {
        *error = QStringLiteral("session %1 is not finished (still recording, or it ended without a stop); only "
                                "finished sessions are pushed")
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
                rows += uuidText(row.id);
                rows += '\t';
                rows += sessionText;
                rows += '\t';
                appendNumber(rows, row.seq);
                rows += '\t';
                appendNumber(rows, row.timeNs);
                rows += '\t';
                appendNumber(rows, row.kind);
                rows += '\t';
                appendCopyBytea(rows, row.payload);
                rows += '\n';
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

    const auto annotations = local.annotations(sessionId, error);
    if (!annotations)
        return std::nullopt;
    for (const v1::Annotation& annotation : *annotations) {
        const auto added = m_connection->query(
            "INSERT INTO trailmark.annotations (id, session, time_ns, payload) VALUES ($1::uuid, $2::uuid, $3, $4) "
            "ON CONFLICT (id) DO NOTHING",
            {PgParam::text(annotation.id()), PgParam::text(sessionId),
             PgParam::number(static_cast<qint64>(annotation.time_ns())),
             PgParam::bytes(QByteArray::fromStdString(annotation.SerializeAsString()))},
            &why);
        if (!added)
            return fail(why);
    }
    report.annotations = annotations->size();

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

std::optional<QList<TeamStore::TeamSession>> TeamStore::sessions(QString* error)
{
    const auto rows = m_connection->query(
        "SELECT s.id, s.expert, s.task, s.started_ns, s.event_count, (SELECT count(*) FROM trailmark.events e WHERE "
        "e.session = s.id), s.complete, extract(epoch FROM s.pushed_at)::bigint FROM trailmark.sessions s ORDER BY "
        "s.started_ns DESC, s.id",
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

} // namespace trailmark::teamstore
