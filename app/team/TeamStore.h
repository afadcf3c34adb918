#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::team {

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
    // The connection string: --team, else $TRAILMARK_TEAM, else the desktop app's
    // Settings (QSettings key kSettingsKey); empty when none is set.
    static QString connectionString(const QString& option);
    static constexpr const char* kSettingsKey = "team/connection";

    // Whether a session's recording is over (finished, reviewed, or closed after a
    // crash): only those are pushed, since their events no longer change.
    static bool isPushable(int sessionState);

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
    // progress(done, total) after each batch. taskId ties the session to a campaign's
    // task; empty: the task whose title is the session's task text, when exactly one is.
    std::optional<PushReport> push(store::Store& local, const QString& sessionId, const QString& taskId,
                                   const std::function<void(qint64, qint64)>& progress, QString* error);

    // A pull copies a session the caller may see into the local file: the session, its
    // events (resuming after the last one the file has), its blobs and the annotations
    // the file lacks. A reviewer's redaction that the server's events do not reflect is
    // applied to the local copy, so every copy pulled after a redaction is redacted.
    struct PullReport
    {
        QString sessionId;
        qint64 events = 0;              // in the local file for this session, after the pull
        qint64 received = 0;            // events this pull added
        qint64 annotations = 0;         // annotations this pull added
        qint64 redactions = 0;          // of those, redactions applied to the local copy
        qint64 blobs = 0;               // blobs this pull added
        QStringList damagedAnnotations; // ids of annotations on the server that do not decode: left there
    };
    std::optional<PullReport> pull(store::Store& local, const QString& sessionId,
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

    // Campaigns: lists of tasks experts pick from (the admin writes them).
    struct Task
    {
        QString id;
        QString campaign;
        QString title;
        QString instructions;
        int sessionsWanted = 1;
        int reviewersPerSession = 1;
        qint64 sessionsPushed = 0;   // complete sessions for this task
        qint64 reviewsSubmitted = 0; // submitted reviews of those
    };
    std::optional<QString> addCampaign(const QString& name, QString* error);
    std::optional<QString> addTask(const Task& task, QString* error);
    std::optional<QList<Task>> tasks(QString* error);

    // The review queue. A claim hands the caller the session they are to review: their
    // open claim, else the oldest complete session that still needs a reviewer (each
    // gets its task's number of reviewers, one when it has no task). Claims hold for
    // the lease and then go back to the queue; two reviewers never get the same slot.
    struct Claim
    {
        QString sessionId;
        QString expert;
        QString task;
        qint64 events = 0;
        QDateTime claimedAt;
        QDateTime expiresAt; // invalid: assigned by an admin, no lease
        QDateTime submittedAt;
        bool expired = false; // the lease ran out before a submit: back in the queue
        bool isOpen() const { return !submittedAt.isValid() && !expired; }
    };
    // nullopt on error; an empty claim (no session id) when nothing waits.
    std::optional<Claim> claimNext(int leaseMinutes, const QString& taskId, QString* error);
    struct Queue
    {
        QList<Claim> claims; // the caller's, open first
        qint64 waiting = 0;  // sessions the caller could claim next
        bool isReviewer = false;
    };
    std::optional<Queue> queue(QString* error);
    // Sends the caller's annotations of the session that the server lacks, then ends
    // their claim. Returns how many annotations were sent.
    std::optional<qint64> submit(store::Store& local, const QString& sessionId, QString* error);

    // Agreement across reviewers on what this role may see: every reviewer's latest
    // verdict per session and latest rating per step, as pairwise agreement and
    // Krippendorff's alpha (nominal; it allows any number of reviewers per item).
    struct Agreement
    {
        qint64 sessionsReviewed = 0;            // with at least one submitted annotation
        qint64 sessionsWithSeveralVerdicts = 0; // by two reviewers or more
        qint64 verdictPairs = 0;
        double verdictPairAgreement = 0;
        std::optional<double> verdictAlpha;
        qint64 ratingPairs = 0;
        double ratingPairAgreement = 0;
        std::optional<double> ratingAlpha;
        QStringList reviewers;
        qint64 damagedAnnotations = 0; // on the server but not decodable: left out
    };
    std::optional<Agreement> agreement(QString* error);

    PgConnection& connection() { return *m_connection; }

private:
    explicit TeamStore(std::unique_ptr<PgConnection> connection);
    bool ensureStaging(QString* error);
    // The annotations of a session in the local file that the server lacks; each
    // records whether the server's events already reflect it (see pull).
    std::optional<qint64> sendAnnotations(store::Store& local, const QString& sessionId, QString* error);
    bool sendBlobs(store::Store& local, const QString& sessionId, QString* error);
    // The caller's claims, open first; of one session only when sessionId is given.
    std::optional<QList<Claim>> claims(const QString& sessionId, QString* error);
    // A task by its id or its unique title.
    std::optional<QString> resolveTask(const QString& task, QString* error);
    bool linkTask(const QString& sessionId, const QString& taskId, const std::string& taskText, QString* error);

    std::unique_ptr<PgConnection> m_connection;
    bool m_stagingReady = false;
};

} // namespace trailmark::team
