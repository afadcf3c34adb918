// TeamStore::pull: a session from the team store into the local SQLite file.

#include "store/Store.h"
#include "store/Uuid.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QSet>

#include <vector>

namespace trailmark::team {
namespace {

// Events per local transaction and per server round trip.
constexpr qint64 kPullBatch = 4096;

} // namespace

std::optional<TeamStore::PullReport> TeamStore::pull(store::Store& local, const QString& sessionId,
                                                     const std::function<void(qint64, qint64)>& progress,
                                                     QString* error)
{
    const QString failedOn = QStringLiteral("cannot pull session %1 from %2").arg(sessionId, m_connection->where());
    const auto fail = [&](const QString& why) {
        *error = QStringLiteral("%1: %2").arg(failedOn, why);
        if (!m_connection->isAlive())
            *error += QStringLiteral(" (the connection was lost; run the pull again: it resumes where it stopped)");
        return std::nullopt;
    };
    QString why;
    const auto head = m_connection->query(
        "SELECT payload, event_count, complete, (SELECT count(*) FROM trailmark.events e WHERE e.session = s.id) "
        "FROM trailmark.sessions s WHERE id = $1::uuid",
        {PgParam::text(sessionId)}, &why);
    if (!head)
        return fail(why);
    if (head->rows() == 0)
        return fail(QStringLiteral("no such session that %1 may see").arg(m_connection->role()));
    if (!head->flag(0, 2))
        return fail(QStringLiteral("its push has not finished (%1 of %2 events are on the server); pull it once "
                                   "the expert's push completes")
                        .arg(head->number(0, 3))
                        .arg(head->number(0, 1)));
    const qint64 total = head->number(0, 1);

    if (!local.sessionRow(store::uuid::fromText(sessionId), &why)) {
        v1::Session session;
        const QByteArray payload = head->bytes(0, 0);
        if (!session.ParseFromArray(payload.constData(), static_cast<int>(payload.size())) ||
            QString::fromStdString(session.id()) != sessionId)
            return fail(QStringLiteral("the server's session record is damaged"));
        if (!local.createSession(session, error))
            return std::nullopt;
    }
    PullReport report;
    report.sessionId = sessionId;
    const auto have = local.eventCount(sessionId, error);
    if (!have)
        return std::nullopt;
    qint64 next = *have;

    std::vector<QByteArray> ids;
    std::vector<QByteArray> payloads;
    std::vector<store::Store::EventRow> rows;
    while (next < total) {
        const auto batch =
            m_connection->query("SELECT uuid_send(id), seq, time_ns, kind, payload FROM trailmark.events WHERE "
                                "session = $1::uuid AND seq >= $2 ORDER BY seq LIMIT $3",
                                {PgParam::text(sessionId), PgParam::number(next), PgParam::number(kPullBatch)}, &why);
        if (!batch)
            return fail(why);
        if (batch->rows() == 0)
            break;
        ids.assign(static_cast<size_t>(batch->rows()), {});
        payloads.assign(static_cast<size_t>(batch->rows()), {});
        rows.assign(static_cast<size_t>(batch->rows()), {});
        for (int i = 0; i < batch->rows(); ++i) {
            ids[i] = batch->bytes(i, 0);
            payloads[i] = batch->bytes(i, 4);
            rows[i] = {std::string_view(ids[i].constData(), static_cast<size_t>(ids[i].size())), batch->number(i, 1),
                       batch->number(i, 2), static_cast<int>(batch->number(i, 3)),
                       std::string_view(payloads[i].constData(), static_cast<size_t>(payloads[i].size()))};
        }
        if (!local.insertEventRows(sessionId, rows, error))
            return std::nullopt;
        report.received += batch->rows();
        next = rows.back().seq + 1;
        if (progress)
            progress(next, total);
    }

    const auto blobKeys = m_connection->query("SELECT sha256 FROM trailmark.session_blobs WHERE session = $1::uuid",
                                              {PgParam::text(sessionId)}, &why);
    if (!blobKeys)
        return fail(why);
    for (int i = 0; i < blobKeys->rows(); ++i) {
        const QByteArray sha256 = blobKeys->bytes(i, 0);
        if (local.hasBlob(sha256))
            continue;
        const auto blob = m_connection->query("SELECT mime, bytes FROM trailmark.blobs WHERE sha256 = $1",
                                              {PgParam::bytes(sha256)}, &why);
        if (!blob)
            return fail(why);
        if (blob->rows() != 1)
            return fail(QStringLiteral("blob %1 is listed but not readable").arg(QString::fromLatin1(sha256.toHex())));
        const auto stored = local.putBlob(blob->bytes(0, 1), blob->text(0, 0), error);
        if (!stored)
            return std::nullopt;
        if (*stored != sha256) // the server checks this too; a copy must not differ
            return fail(QStringLiteral("blob %1 arrived damaged").arg(QString::fromLatin1(sha256.toHex())));
        ++report.blobs;
    }

    const auto known = local.annotations(sessionId, error);
    if (!known)
        return std::nullopt;
    QSet<QString> here;
    for (const v1::Annotation& annotation : *known)
        here.insert(QString::fromStdString(annotation.id()));
    const auto annotations = m_connection->query(
        "SELECT id::text, payload, reflected FROM trailmark.annotations WHERE session = $1::uuid ORDER BY time_ns, id",
        {PgParam::text(sessionId)}, &why);
    if (!annotations)
        return fail(why);
    for (int i = 0; i < annotations->rows(); ++i) {
        if (here.contains(annotations->text(i, 0)))
            continue;
        v1::Annotation annotation;
        const QByteArray payload = annotations->bytes(i, 1);
        if (!annotation.ParseFromArray(payload.constData(), static_cast<int>(payload.size())) ||
            QString::fromStdString(annotation.id()) != annotations->text(i, 0)) {
            // One reviewer's damaged record must not keep the session from review:
            // the rest comes, and the report names what was left on the server.
            report.damagedAnnotations.append(annotations->text(i, 0));
            continue;
        }
        if (annotation.redactions_size() > 0 && !annotations->flag(i, 2)) {
            // The server's events predate this redaction: apply it to the copy, in the
            // order the redactions were made (their offsets build on each other).
            for (auto& span : *annotation.mutable_redactions())
                span.set_applied(false);
            if (!local.addRedaction(annotation, error))
                return std::nullopt;
            ++report.redactions;
        } else if (!local.addAnnotation(annotation, error)) {
            return std::nullopt;
        }
        ++report.annotations;
    }
    const auto now = local.eventCount(sessionId, error);
    if (!now)
        return std::nullopt;
    report.events = *now;
    if (report.events != total)
        return fail(QStringLiteral("the local copy holds %1 of the %2 events").arg(report.events).arg(total));
    return report;
}

} // namespace trailmark::team
