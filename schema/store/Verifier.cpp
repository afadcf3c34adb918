#include "store/Verifier.h"

#include "store/EventBlobs.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QCryptographicHash>

#include <sqlite3.h>

#include <functional>
#include <map>
#include <string>

namespace trailmark::store {
namespace {

template <typename Message> bool decodes(Message& message, std::string_view payload)
{
    return message.ParseFromArray(payload.data(), static_cast<int>(payload.size()));
}

// Whether the blobs table holds a key, each key looked up once (a keyframe is often
// shared by many events).
class BlobLookup
{
public:
    explicit BlobLookup(sqlite3* db)
        : m_select(db, "SELECT 1 FROM blobs WHERE sha256=?")
    {}
    bool has(std::string_view key)
    {
        const auto known = m_known.find(key);
        if (known != m_known.end())
            return known->second;
        m_select.reset();
        m_select.bindBlob(1, key.data(), static_cast<int>(key.size()));
        const bool found = m_select.step();
        m_known.emplace(std::string(key), found);
        return found;
    }

private:
    SqliteStatement m_select;
    std::map<std::string, bool, std::less<>> m_known;
};

} // namespace

Verifier::Verifier(Store& store)
    : m_store(store)
{}

VerifyReport Verifier::run()
{
    VerifyReport report;
    checkSqliteIntegrity(report);
    checkSessions(report);
    checkEvents(report);
    checkSequences(report);
    checkAnnotations(report);
    checkBlobs(report);
    return report;
}

void Verifier::checkSqliteIntegrity(VerifyReport& report)
{
    SqliteStatement check(m_store.handle(), "PRAGMA integrity_check(100)");
    while (check.step()) {
        const QString line = check.columnText(0);
        if (line != QLatin1String("ok"))
            report.problems.append({QStringLiteral("sqlite"), m_store.path(), line});
    }
    if (check.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), m_store.path(), check.errorMessage()});
}

void Verifier::checkSessions(VerifyReport& report)
{
    SqliteStatement select(m_store.handle(), "SELECT id, payload FROM sessions");
    while (select.step()) {
        ++report.sessions;
        v1::Session session;
        if (!decodes(session, select.columnBytes(1)))
            report.problems.append({QStringLiteral("payload"), uuid::toText(select.columnBlob(0)),
                                    QStringLiteral("session record is not a valid trailmark.v1.Session")});
    }
    if (select.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), QStringLiteral("sessions"), select.errorMessage()});
}

void Verifier::checkEvents(VerifyReport& report)
{
    SqliteStatement select(m_store.handle(), R"sql(
        SELECT e.id, e.kind, e.payload, e.seq, s.id IS NULL, s.id
        FROM events e LEFT JOIN sessions s ON s.rowid = e.session)sql");
    BlobLookup blobs(m_store.handle());
    v1::Event event;
    while (select.step()) {
        ++report.events;
        const QString id = uuid::toText(select.columnBlob(0));
        if (select.columnInt(4) != 0)
            report.problems.append(
                {QStringLiteral("reference"), id, QStringLiteral("event belongs to no existing session")});
        if (!decodes(event, select.columnBytes(2))) {
            report.problems.append(
                {QStringLiteral("payload"), id,
                 QStringLiteral("payload of event seq %1 is not a valid trailmark.v1.Event").arg(select.columnInt(3))});
        } else if (event.body_case() != select.columnInt(1) || event.body_case() == v1::Event::BODY_NOT_SET) {
            report.problems.append({QStringLiteral("payload"), id,
                                    QStringLiteral("payload body %1 does not match the row's kind %2")
                                        .arg(static_cast<int>(event.body_case()))
                                        .arg(select.columnInt(1))});
        } else if (eventblobs::kindCanHoldBlobs(event.body_case())) {
            // Every blob the event refers to (found by the blob_role option) is stored.
            eventblobs::forEachBlob(event, [&](const eventblobs::BlobReference& blob) {
                if (blobs.has(blob.key))
                    return;
                const QByteArray key(blob.key.data(), static_cast<qsizetype>(blob.key.size()));
                report.problems.append({QStringLiteral("reference"), id,
                                        QStringLiteral("event seq %1 of session %2 refers to blob %3 (%4.%5), which "
                                                       "is not in the blobs table")
                                            .arg(select.columnInt(3))
                                            .arg(uuid::toText(select.columnBlob(5)), QString::fromLatin1(key.toHex()),
                                                 QString::fromStdString(blob.field->containing_type()->name()),
                                                 QString::fromStdString(blob.field->name()))});
            });
        }
    }
    if (select.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), QStringLiteral("events"), select.errorMessage()});
}

void Verifier::checkSequences(VerifyReport& report)
{
    SqliteStatement select(m_store.handle(), R"sql(
        SELECT s.id, count(e.rowid), min(e.seq), max(e.seq)
        FROM events e JOIN sessions s ON s.rowid = e.session GROUP BY e.session)sql");
    while (select.step()) {
        const qint64 count = select.columnInt(1);
        const qint64 first = select.columnInt(2);
        const qint64 last = select.columnInt(3);
        if (first != 0 || last != count - 1)
            report.problems.append(
                {QStringLiteral("sequence"), uuid::toText(select.columnBlob(0)),
                 QStringLiteral("%1 events but seq runs %2..%3: events are missing").arg(count).arg(first).arg(last)});
    }
    if (select.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), QStringLiteral("events"), select.errorMessage()});
}

void Verifier::checkAnnotations(VerifyReport& report)
{
    SqliteStatement select(m_store.handle(), R"sql(
        SELECT a.id, a.payload,
               EXISTS(SELECT 1 FROM events e WHERE e.id = a.target_id)
               OR EXISTS(SELECT 1 FROM sessions s WHERE s.id = a.target_id)
        FROM annotations a)sql");
    while (select.step()) {
        ++report.annotations;
        const QString id = uuid::toText(select.columnBlob(0));
        v1::Annotation annotation;
        if (!decodes(annotation, select.columnBytes(1)))
            report.problems.append(
                {QStringLiteral("payload"), id, QStringLiteral("annotation is not a valid trailmark.v1.Annotation")});
        if (select.columnInt(2) == 0)
            report.problems.append(
                {QStringLiteral("reference"), id, QStringLiteral("annotation points at no event or session")});
    }
    if (select.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), QStringLiteral("annotations"), select.errorMessage()});
}

void Verifier::checkBlobs(VerifyReport& report)
{
    SqliteStatement select(m_store.handle(), "SELECT sha256, size, bytes FROM blobs");
    while (select.step()) {
        ++report.blobs;
        const QByteArray key = select.columnBlob(0);
        const std::string_view bytes = select.columnBytes(2);
        const QByteArray actual = QCryptographicHash::hash(
            QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())), QCryptographicHash::Sha256);
        if (actual != key || select.columnInt(1) != static_cast<qint64>(bytes.size()))
            report.problems.append({QStringLiteral("blob"), QString::fromLatin1(key.toHex()),
                                    QStringLiteral("content does not match its hash or size")});
    }
    if (select.resultCode() != SQLITE_DONE)
        report.problems.append({QStringLiteral("sqlite"), QStringLiteral("blobs"), select.errorMessage()});
}

} // namespace trailmark::store
