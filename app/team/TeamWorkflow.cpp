// TeamStore's workflow: campaigns and their tasks, the review queue (claims, submits),
// and agreement across reviewers. What each role may do is decided by the server
// (grants, row-level security, and the queue's SECURITY DEFINER functions); these
// functions only ask.

#include "store/Store.h"
#include "team/PgConnection.h"
#include "team/TeamStore.h"

#include <QHash>
#include <QMap>
#include <QSet>

#include <map>
#include <utility>

namespace trailmark::team {
namespace {

QDateTime fromMilliseconds(const PgResult& result, int row, int column)
{
    if (result.isNull(row, column))
        return {};
    return QDateTime::fromMSecsSinceEpoch(result.number(row, column), Qt::UTC);
}

// Krippendorff's alpha for nominal data: items (sessions, steps) each rated by any
// number of coders; items with fewer than two ratings carry no information and are left
// out. nullopt when fewer than two values were pairable or expected disagreement is 0.
std::optional<double> nominalAlpha(const QList<QList<int>>& items)
{
    std::map<int, double> valueTotals; // n_c
    double pairable = 0;               // n
    double observedDisagreement = 0;   // sum over items of (pairs that differ) / (m_u - 1)
    for (const QList<int>& values : items) {
        if (values.size() < 2)
            continue;
        std::map<int, int> counts;
        for (int value : values)
            ++counts[value];
        const double m = values.size();
        double agreeingPairs = 0;
        for (const auto& [value, count] : counts) {
            valueTotals[value] += count;
            agreeingPairs += static_cast<double>(count) * (count - 1);
        }
        pairable += m;
        observedDisagreement += (m * (m - 1) - agreeingPairs) / (m - 1);
    }
    if (pairable < 2)
        return std::nullopt;
    double expectedAgreeing = 0;
    for (const auto& [value, total] : valueTotals)
        expectedAgreeing += total * (total - 1);
    const double expectedDisagreement = (pairable * (pairable - 1) - expectedAgreeing) / (pairable - 1);
    if (expectedDisagreement <= 0)
        return std::nullopt;
    return 1.0 - observedDisagreement / expectedDisagreement;
}

// Pairs of coders on the same item, and how many of them agree.
std::pair<qint64, qint64> pairwise(const QList<QList<int>>& items)
{
    qint64 pairs = 0, agreeing = 0;
    for (const QList<int>& values : items) {
        for (qsizetype i = 0; i < values.size(); ++i) {
            for (qsizetype j = i + 1; j < values.size(); ++j) {
                ++pairs;
                agreeing += values[i] == values[j] ? 1 : 0;
            }
        }
    }
    return {pairs, agreeing};
}

} // namespace

std::optional<QString> TeamStore::resolveTask(const QString& task, QString* error)
{
    const auto rows = m_connection->query("SELECT id::text FROM trailmark.tasks WHERE id::text = $1 OR title = $1",
                                          {PgParam::text(task)}, error);
    if (!rows)
        return std::nullopt;
    if (rows->rows() != 1) {
        *error = rows->rows() == 0
                     ? QStringLiteral("no task '%1' on the team store (see `trailmark team tasks`)").arg(task)
                     : QStringLiteral("'%1' names %2 tasks: give the task's id").arg(task).arg(rows->rows());
        return std::nullopt;
    }
    return rows->text(0, 0);
}

std::optional<QString> TeamStore::addCampaign(const QString& name, QString* error)
{
    // Adding a campaign that exists returns it: scripts may run the same set-up twice.
    const auto rows = m_connection->query(
        "INSERT INTO trailmark.campaigns (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name "
        "RETURNING id::text",
        {PgParam::text(name)}, error);
    if (!rows)
        return std::nullopt;
    return rows->text(0, 0);
}

std::optional<QString> TeamStore::addTask(const Task& task, QString* error)
{
    const auto campaign =
        m_connection->query("SELECT id::text FROM trailmark.campaigns WHERE name = $1 OR id::text = $1",
                            {PgParam::text(task.campaign)}, error);
    if (!campaign)
        return std::nullopt;
    if (campaign->rows() != 1) {
        *error = QStringLiteral("no campaign '%1' on the team store (add it with `trailmark team campaign add`)")
                     .arg(task.campaign);
        return std::nullopt;
    }
    const auto rows = m_connection->query(
        "INSERT INTO trailmark.tasks (campaign, title, instructions, sessions_wanted, reviewers_per_session) VALUES "
        "($1::uuid, $2, $3, $4, $5) ON CONFLICT (campaign, title) DO UPDATE SET instructions = excluded.instructions, "
        "sessions_wanted = excluded.sessions_wanted, reviewers_per_session = excluded.reviewers_per_session "
        "RETURNING id::text",
        {PgParam::text(campaign->text(0, 0)), PgParam::text(task.title), PgParam::text(task.instructions),
         PgParam::number(task.sessionsWanted), PgParam::number(task.reviewersPerSession)},
        error);
    if (!rows)
        return std::nullopt;
    return rows->text(0, 0);
}

std::optional<QList<TeamStore::Task>> TeamStore::tasks(QString* error)
{
    const auto rows = m_connection->query(
        "SELECT t.id::text, c.name, t.title, t.instructions, t.sessions_wanted, t.reviewers_per_session, "
        "p.sessions_pushed, p.reviews_submitted FROM trailmark.tasks t JOIN trailmark.campaigns c ON c.id = t.campaign "
        "JOIN trailmark.task_progress() p ON p.task = t.id ORDER BY c.created_at, c.name, t.title",
        {}, error);
    if (!rows)
        return std::nullopt;
    QList<Task> tasks;
    for (int i = 0; i < rows->rows(); ++i) {
        Task task;
        task.id = rows->text(i, 0);
        task.campaign = rows->text(i, 1);
        task.title = rows->text(i, 2);
        task.instructions = rows->text(i, 3);
        task.sessionsWanted = static_cast<int>(rows->number(i, 4));
        task.reviewersPerSession = static_cast<int>(rows->number(i, 5));
        task.sessionsPushed = rows->number(i, 6);
        task.reviewsSubmitted = rows->number(i, 7);
        tasks.append(task);
    }
    return tasks;
}

std::optional<TeamStore::Claim> TeamStore::claimNext(int leaseMinutes, const QString& taskId, QString* error)
{
    PgParam only{QByteArray(), false, true};
    if (!taskId.isEmpty()) {
        const auto task = resolveTask(taskId, error);
        if (!task)
            return std::nullopt;
        only = PgParam::text(*task);
    }
    const auto claimed = m_connection->query(
        "SELECT c.session::text FROM trailmark.claim_next(make_interval(mins => $1::int), $2::uuid) c",
        {PgParam::number(leaseMinutes), only}, error);
    if (!claimed) {
        // The server refuses the queue's function to any role but a reviewer's.
        if (error->contains(QLatin1String("permission denied")))
            *error =
                QStringLiteral("only reviewers claim sessions, and %1 is not one (GRANT trailmark_reviewer TO %1): "
                               "%2")
                    .arg(m_connection->role(), *error);
        return std::nullopt;
    }
    if (claimed->rows() == 0)
        return Claim{};
    const QString session = claimed->text(0, 0);
    const auto read = claims(session, error);
    if (!read)
        return std::nullopt;
    if (read->size() != 1) {
        *error = QStringLiteral("claimed session %1 but cannot read the claim back").arg(session);
        return std::nullopt;
    }
    return read->first();
}

std::optional<QList<TeamStore::Claim>> TeamStore::claims(const QString& sessionId, QString* error)
{
    const auto rows = m_connection->query(
        "SELECT a.session::text, s.expert, s.task, s.event_count, (extract(epoch FROM a.claimed_at) * 1000)::bigint, "
        "(extract(epoch FROM a.expires_at) * 1000)::bigint, (extract(epoch FROM a.submitted_at) * 1000)::bigint, "
        "a.submitted_at IS NULL AND a.expires_at IS NOT NULL AND a.expires_at <= now() "
        "FROM trailmark.assignments a JOIN trailmark.sessions s ON s.id = a.session WHERE a.reviewer = current_user "
        "AND ($1::uuid IS NULL OR a.session = $1::uuid) ORDER BY a.submitted_at IS NOT NULL, a.claimed_at, a.session",
        {sessionId.isEmpty() ? PgParam{QByteArray(), false, true} : PgParam::text(sessionId)}, error);
    if (!rows)
        return std::nullopt;
    QList<Claim> claims;
    for (int i = 0; i < rows->rows(); ++i) {
        Claim claim;
        claim.sessionId = rows->text(i, 0);
        claim.expert = rows->text(i, 1);
        claim.task = rows->text(i, 2);
        claim.events = rows->number(i, 3);
        claim.claimedAt = fromMilliseconds(*rows, i, 4);
        claim.expiresAt = fromMilliseconds(*rows, i, 5);
        claim.submittedAt = fromMilliseconds(*rows, i, 6);
        claim.expired = rows->flag(i, 7);
        claims.append(claim);
    }
    return claims;
}

std::optional<TeamStore::Queue> TeamStore::queue(QString* error)
{
    Queue queue;
    auto claims = this->claims({}, error);
    if (!claims)
        return std::nullopt;
    queue.claims = std::move(*claims);
    const auto reviewer =
        m_connection->query("SELECT pg_has_role(current_user, 'trailmark_reviewer', 'MEMBER')", {}, error);
    if (!reviewer)
        return std::nullopt;
    queue.isReviewer = reviewer->flag(0, 0);
    if (queue.isReviewer) {
        const auto waiting = m_connection->query("SELECT trailmark.waiting_for_review()", {}, error);
        if (!waiting)
            return std::nullopt;
        queue.waiting = waiting->number(0, 0);
    }
    return queue;
}

std::optional<qint64> TeamStore::submit(store::Store& local, const QString& sessionId, QString* error)
{
    const QString failedOn =
        QStringLiteral("cannot submit the review of session %1 to %2").arg(sessionId, m_connection->where());
    QString why;
    const auto fail = [&](const QString& reason) {
        *error = QStringLiteral("%1: %2").arg(failedOn, reason);
        QString ignored;
        m_connection->exec(QStringLiteral("ROLLBACK"), &ignored);
        return std::nullopt;
    };
    // The annotations and the end of the claim in one transaction: a submit cut off
    // half way leaves the claim open and sends the rest when repeated.
    if (!m_connection->exec(QStringLiteral("BEGIN"), &why))
        return fail(why);
    const auto sent = sendAnnotations(local, sessionId, &why);
    if (!sent)
        return fail(why);
    if (!m_connection->query("SELECT trailmark.submit_review($1::uuid)", {PgParam::text(sessionId)}, &why) ||
        !m_connection->exec(QStringLiteral("COMMIT"), &why))
        return fail(why);
    return sent;
}

std::optional<TeamStore::Agreement> TeamStore::agreement(QString* error)
{
    // Every annotation this role may see, oldest first, so a later one of the same
    // reviewer on the same target replaces the earlier (as in the local store). The
    // reviewer is the server's author, the role that sent it, not the name it was
    // written under; what the expert noted on their own session is no review.
    const auto rows = m_connection->query(
        "SELECT a.author, a.session::text, a.payload FROM trailmark.annotations a JOIN trailmark.sessions s ON s.id = "
        "a.session WHERE a.author <> s.expert ORDER BY a.time_ns, a.id",
        {}, error);
    if (!rows)
        return std::nullopt;
    // target (session or step) -> reviewer -> latest value
    QHash<QString, QMap<QString, int>> verdicts;
    QHash<QString, QMap<QString, int>> ratings;
    QSet<QString> reviewers;
    QSet<QString> sessions;
    qint64 damaged = 0;
    for (int i = 0; i < rows->rows(); ++i) {
        v1::Annotation annotation;
        const QByteArray payload = rows->bytes(i, 2);
        if (!annotation.ParseFromArray(payload.constData(), static_cast<int>(payload.size()))) {
            ++damaged; // counted and said, not a reason to report nothing
            continue;
        }
        const QString author = rows->text(i, 0);
        const QString session = rows->text(i, 1);
        if (annotation.verdict() != v1::Annotation::VERDICT_UNSPECIFIED) {
            verdicts[session][author] = annotation.verdict();
        } else if (annotation.has_rating()) {
            ratings[session + QLatin1Char('/') + QString::fromStdString(annotation.target_id())][author] =
                annotation.rating();
        } else {
            continue;
        }
        reviewers.insert(author);
        sessions.insert(session);
    }
    const auto asItems = [](const QHash<QString, QMap<QString, int>>& byTarget) {
        QList<QList<int>> items;
        for (const auto& byReviewer : byTarget)
            items.append(byReviewer.values());
        return items;
    };
    const QList<QList<int>> verdictItems = asItems(verdicts);
    const QList<QList<int>> ratingItems = asItems(ratings);

    Agreement agreement;
    agreement.sessionsReviewed = sessions.size();
    agreement.damagedAnnotations = damaged;
    for (const auto& byReviewer : std::as_const(verdicts))
        agreement.sessionsWithSeveralVerdicts += byReviewer.size() >= 2 ? 1 : 0;
    const auto [verdictPairs, verdictAgreeing] = pairwise(verdictItems);
    agreement.verdictPairs = verdictPairs;
    agreement.verdictPairAgreement = verdictPairs > 0 ? static_cast<double>(verdictAgreeing) / verdictPairs : 0;
    agreement.verdictAlpha = nominalAlpha(verdictItems);
    const auto [ratingPairs, ratingAgreeing] = pairwise(ratingItems);
    agreement.ratingPairs = ratingPairs;
    agreement.ratingPairAgreement = ratingPairs > 0 ? static_cast<double>(ratingAgreeing) / ratingPairs : 0;
    agreement.ratingAlpha = nominalAlpha(ratingItems);
    agreement.reviewers = QStringList(reviewers.cbegin(), reviewers.cend());
    agreement.reviewers.sort();
    return agreement;
}

} // namespace trailmark::team
