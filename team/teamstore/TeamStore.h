#pragma once

#include <QDateTime>
#include <QList>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::teamstore {

class PgConnection;

// The team's PostgreSQL store, seen by one person (their role decides what they see).
//
// A push copies a finished session from the local SQLite file: the session, then its
// events in batches of one transaction each, then its annotations, then marks it
// complete. Everything is keyed by the local UUIDv7 ids and inserted with ON CONFLICT
// DO NOTHING, and a push starts after the last event the server has, so pushing twice,
// or again after a push was killed or lost its connection half way, stores every event
// once.
class TeamStore
{
public:
    // The connection string: --team, else $TRAILMARK_TEAM; empty when neither is set.
    static QString connectionString(const QString& option);

    // Connects and checks the schema version (refusing a newer one).
    static std::unique_ptr<TeamStore> connect(const QString& connectionString, QString* error);
    ~TeamStore();

    struct PushReport
    {
        QString sessionId;
        qint64 events = 0;      // on the server for this session, after the push
        qint64 sent = 0;        // events this push added
        qint64 annotations = 0; // annotations this push added
        bool wasComplete = false;
    };
    // progress(done, total) after each batch.
    std::optional<PushReport> push(store::Store& local, const QString& sessionId,
                                   const std::function<void(qint64, qint64)>& progress, QString* error);

    struct TeamSession
    {
        QString id;
        QString expert;
        QString task;
        qint64 startedNs = 0;
        qint64 eventCount = 0;   // declared by the push
        qint64 storedEvents = 0; // on the server
        bool complete = false;
        QDateTime pushedAt;
    };
    // The sessions this role may see, newest first.
    std::optional<QList<TeamSession>> sessions(QString* error);

    PgConnection& connection() { return *m_connection; }

private:
    explicit TeamStore(std::unique_ptr<PgConnection> connection);
    bool ensureStaging(QString* error);

    std::unique_ptr<PgConnection> m_connection;
    bool m_stagingReady = false;
};

} // namespace trailmark::teamstore
