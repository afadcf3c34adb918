// Store: reviewers' annotations and redactions (the rest of Store is in Store.cpp).
#include "store/Clock.h"
#include "store/EventFields.h"
#include "store/Serialize.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>

namespace trailmark::store {
namespace {

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

} // namespace

bool Store::addAnnotation(v1::Annotation& annotation, QString* error)
{
    const QByteArray sessionKey = uuid::fromText(fromStd(annotation.session_id()));
    const QByteArray targetKey = uuid::fromText(fromStd(annotation.target_id()));
    if (targetKey.isEmpty()) {
        *error = QStringLiteral("annotation target '%1' is not an id").arg(fromStd(annotation.target_id()));
        return false;
    }
    const auto row = sessionRow(sessionKey, error);
    if (!row)
        return false;
    if (annotation.id().empty())
        annotation.set_id(uuid::toText(newId()).toStdString());
    if (annotation.time_ns() == 0)
        annotation.set_time_ns(m_clock->nowNs());
    SqliteStatement insert(
        m_db, "INSERT INTO annotations(id, session, target_id, reviewer, time_ns, payload) VALUES(?,?,?,?,?,?)");
    insert.bind(1, uuid::fromText(fromStd(annotation.id())));
    insert.bind(2, *row);
    insert.bind(3, targetKey);
    insert.bindText(4, fromStd(annotation.reviewer()));
    insert.bind(5, annotation.time_ns());
    insert.bind(6, serialize(annotation));
    if (!insert.exec()) {
        *error = lastError(QStringLiteral("cannot store annotation"));
        return false;
    }
    return true;
}

bool Store::addRedaction(v1::Annotation& annotation, QString* error)
{
    const QByteArray eventKey = uuid::fromText(fromStd(annotation.target_id()));
    if (annotation.redactions_size() == 0) {
        *error = QStringLiteral("a redaction needs at least one span");
        return false;
    }
    if (!sqliteExec(m_db, "PRAGMA secure_delete=ON; BEGIN IMMEDIATE", error)) {
        *error = lastError(QStringLiteral("cannot start the redaction"));
        return false;
    }
    const auto fail = [&](const QString& message) {
        *error = message;
        sqliteExec(m_db, "ROLLBACK", nullptr);
        return false;
    };
    SqliteStatement select(m_db, "SELECT payload FROM events WHERE id=?");
    select.bind(1, eventKey);
    if (!select.step())
        return fail(QStringLiteral("%1: no event %2 to redact").arg(m_path, fromStd(annotation.target_id())));
    v1::Event event;
    const std::string_view payload = select.columnBytes(0);
    if (!event.ParseFromArray(payload.data(), static_cast<int>(payload.size())))
        return fail(QStringLiteral("%1: event %2 is damaged and cannot be redacted")
                        .arg(m_path, fromStd(annotation.target_id())));
    select.reset();

    // Later spans first, so the offsets of earlier ones stay valid as lengths change.
    std::vector<v1::RedactionSpan*> spans;
    for (auto& span : *annotation.mutable_redactions())
        spans.push_back(&span);
    std::sort(spans.begin(), spans.end(), [](const auto* a, const auto* b) { return a->offset() > b->offset(); });
    for (v1::RedactionSpan* span : spans) {
        QString spanError;
        if (!eventfields::applyReviewerSpan(event, *span, &spanError))
            return fail(spanError);
        span->set_applied(true);
    }
    SqliteStatement update(m_db, "UPDATE events SET payload=? WHERE id=?");
    update.bind(1, serialize(event));
    update.bind(2, eventKey);
    if (!update.exec())
        return fail(lastError(QStringLiteral("cannot rewrite the redacted event")));

    // Inside the open transaction: the annotation and the rewrite commit together.
    QString insertError;
    if (!addAnnotation(annotation, &insertError))
        return fail(insertError);
    if (!sqliteExec(m_db, "COMMIT", nullptr))
        return fail(lastError(QStringLiteral("cannot commit the redaction")));
    // The old page images live on in the WAL until a checkpoint overwrites them.
    sqliteExec(m_db, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA secure_delete=OFF", nullptr);
    return true;
}

std::optional<QList<v1::Annotation>> Store::annotations(const QString& sessionId, QString* error)
{
    const auto row = sessionRow(uuid::fromText(sessionId), error);
    if (!row)
        return std::nullopt;
    SqliteStatement select =
        m_statements->take("SELECT id, payload FROM annotations WHERE session=? ORDER BY time_ns, rowid");
    select.bind(1, *row);
    QList<v1::Annotation> result;
    while (select.step()) {
        v1::Annotation annotation;
        const std::string_view payload = select.columnBytes(1);
        if (!annotation.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
            spdlog::warn("{}: annotation {} is damaged; skipped", m_path.toStdString(),
                         uuid::toText(select.columnBlob(0)).toStdString());
            continue;
        }
        result.append(std::move(annotation));
    }
    if (select.resultCode() != SQLITE_DONE) {
        *error = lastError(QStringLiteral("cannot read annotations"));
        return std::nullopt;
    }
    return result;
}

} // namespace trailmark::store
