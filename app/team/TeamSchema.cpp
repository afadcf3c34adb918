#include "team/TeamSchema.h"

#include "team/PgConnection.h"

#include <optional>

namespace trailmark::team::schema {
namespace {

// Version 1. Roles are cluster-wide: created only when missing.
constexpr const char* kVersion1 = R"sql(
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trailmark_expert') THEN
        CREATE ROLE trailmark_expert NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trailmark_reviewer') THEN
        CREATE ROLE trailmark_reviewer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'trailmark_admin') THEN
        CREATE ROLE trailmark_admin NOLOGIN;
    END IF;
END
$$;

CREATE SCHEMA trailmark;
CREATE TABLE trailmark.meta (key text PRIMARY KEY, value text NOT NULL);

-- One row per pushed session. payload is the trailmark.v1.Session message; complete
-- turns true once every one of event_count events is on the server.
CREATE TABLE trailmark.sessions (
    id          uuid PRIMARY KEY,
    expert      name NOT NULL DEFAULT current_user,
    task        text NOT NULL DEFAULT '',
    started_ns  bigint NOT NULL,
    payload     bytea NOT NULL,
    event_count bigint NOT NULL,
    complete    boolean NOT NULL DEFAULT false,
    pushed_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_by_expert ON trailmark.sessions (expert);

-- The events as recorded, one trailmark.v1.Event payload each: the same id, seq and
-- body as in the expert's SQLite file.
CREATE TABLE trailmark.events (
    id      uuid PRIMARY KEY,
    session uuid NOT NULL REFERENCES trailmark.sessions (id),
    seq     bigint NOT NULL,
    time_ns bigint NOT NULL,
    kind    integer NOT NULL,
    payload bytea NOT NULL,
    UNIQUE (session, seq)
);

-- Reviews and reviewer redactions travel as records of their own (trailmark.v1.Annotation).
CREATE TABLE trailmark.annotations (
    id      uuid PRIMARY KEY,
    session uuid NOT NULL REFERENCES trailmark.sessions (id),
    author  name NOT NULL DEFAULT current_user,
    time_ns bigint NOT NULL,
    payload bytea NOT NULL
);
CREATE INDEX annotations_by_session ON trailmark.annotations (session);

-- Which reviewer reviews which session (the admin assigns).
CREATE TABLE trailmark.assignments (
    session  uuid NOT NULL REFERENCES trailmark.sessions (id),
    reviewer name NOT NULL,
    PRIMARY KEY (session, reviewer)
);

CREATE FUNCTION trailmark.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'trailmark events are immutable: % refused', TG_OP;
END
$$;
CREATE TRIGGER events_are_immutable BEFORE UPDATE OR DELETE ON trailmark.events
    FOR EACH ROW EXECUTE FUNCTION trailmark.refuse_change();

CREATE FUNCTION trailmark.is_admin() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(current_user, 'trailmark_admin', 'MEMBER')
$$;

ALTER TABLE trailmark.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.events ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.annotations ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.assignments ENABLE ROW LEVEL SECURITY;

CREATE POLICY own_sessions ON trailmark.sessions TO trailmark_expert
    USING (expert = current_user) WITH CHECK (expert = current_user);
CREATE POLICY assigned_sessions ON trailmark.sessions FOR SELECT TO trailmark_reviewer
    USING (EXISTS (SELECT 1 FROM trailmark.assignments a WHERE a.session = id AND a.reviewer = current_user));
CREATE POLICY all_sessions ON trailmark.sessions TO trailmark_admin USING (true) WITH CHECK (true);

-- An event is visible with its session; only the session's own expert adds to it.
CREATE POLICY visible_events ON trailmark.events FOR SELECT
    USING (EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = session));
CREATE POLICY own_events ON trailmark.events FOR INSERT TO trailmark_expert
    WITH CHECK (EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = session AND s.expert = current_user));

CREATE POLICY visible_annotations ON trailmark.annotations FOR SELECT
    USING (EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = session));
CREATE POLICY own_annotations ON trailmark.annotations FOR INSERT TO trailmark_reviewer, trailmark_expert
    WITH CHECK (author = current_user AND EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = session));
CREATE POLICY all_annotations ON trailmark.annotations TO trailmark_admin USING (true) WITH CHECK (true);

CREATE POLICY own_assignments ON trailmark.assignments FOR SELECT TO trailmark_reviewer
    USING (reviewer = current_user);
CREATE POLICY all_assignments ON trailmark.assignments TO trailmark_admin USING (true) WITH CHECK (true);

GRANT USAGE ON SCHEMA trailmark TO trailmark_expert, trailmark_reviewer, trailmark_admin;
GRANT SELECT ON trailmark.meta TO trailmark_expert, trailmark_reviewer, trailmark_admin;
GRANT SELECT, INSERT ON trailmark.sessions TO trailmark_expert;
GRANT UPDATE (complete) ON trailmark.sessions TO trailmark_expert;
GRANT SELECT, INSERT ON trailmark.events TO trailmark_expert;
GRANT SELECT ON trailmark.annotations TO trailmark_expert;
GRANT INSERT ON trailmark.annotations TO trailmark_expert;
GRANT SELECT ON trailmark.sessions, trailmark.events, trailmark.assignments TO trailmark_reviewer;
GRANT SELECT, INSERT ON trailmark.annotations TO trailmark_reviewer;
GRANT SELECT, INSERT, UPDATE, DELETE ON trailmark.sessions, trailmark.annotations, trailmark.assignments
    TO trailmark_admin;
GRANT SELECT ON trailmark.events TO trailmark_admin;
)sql";

// Version 2: the workflow. Campaigns are lists of tasks (instructions, how many sessions
// are wanted, how many reviewers each gets); a session may belong to a task. Reviews
// are claimed from a queue: an assignment made by a claim has a lease (expires_at) and
// ends when submitted. Blobs (screenshots, keyframes) are content-addressed and
// visible through the sessions that use them. An annotation knows whether the events
// on the server already reflect it (a redaction the expert applied before pushing) or
// not (a reviewer's, applied to every copy pulled later).
constexpr const char* kVersion2 = R"sql(
CREATE TABLE trailmark.campaigns (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL UNIQUE,
    created_by name NOT NULL DEFAULT current_user,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE trailmark.tasks (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    campaign              uuid NOT NULL REFERENCES trailmark.campaigns (id),
    title                 text NOT NULL,
    instructions          text NOT NULL DEFAULT '',
    sessions_wanted       integer NOT NULL CHECK (sessions_wanted > 0),
    reviewers_per_session integer NOT NULL CHECK (reviewers_per_session > 0),
    UNIQUE (campaign, title)
);
ALTER TABLE trailmark.sessions ADD COLUMN task_id uuid REFERENCES trailmark.tasks (id);
CREATE INDEX sessions_waiting ON trailmark.sessions (pushed_at, id) WHERE complete;

-- expires_at NULL: assigned by an admin, never expires.
ALTER TABLE trailmark.assignments
    ADD COLUMN claimed_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN expires_at timestamptz,
    ADD COLUMN submitted_at timestamptz;
CREATE INDEX assignments_by_reviewer ON trailmark.assignments (reviewer);

ALTER TABLE trailmark.annotations ADD COLUMN reflected boolean NOT NULL DEFAULT false;

-- The server checks every blob against its key: a garbage upload is refused.
CREATE TABLE trailmark.blobs (
    sha256 bytea PRIMARY KEY CHECK (sha256 = sha256(bytes)),
    mime   text NOT NULL,
    bytes  bytea NOT NULL
);
CREATE TABLE trailmark.session_blobs (
    session uuid NOT NULL REFERENCES trailmark.sessions (id),
    sha256  bytea NOT NULL REFERENCES trailmark.blobs (sha256),
    PRIMARY KEY (session, sha256)
);

ALTER TABLE trailmark.campaigns ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.blobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE trailmark.session_blobs ENABLE ROW LEVEL SECURITY;

CREATE POLICY everyone_reads_campaigns ON trailmark.campaigns FOR SELECT USING (true);
CREATE POLICY admin_campaigns ON trailmark.campaigns TO trailmark_admin USING (true) WITH CHECK (true);
CREATE POLICY everyone_reads_tasks ON trailmark.tasks FOR SELECT USING (true);
CREATE POLICY admin_tasks ON trailmark.tasks TO trailmark_admin USING (true) WITH CHECK (true);

CREATE POLICY visible_session_blobs ON trailmark.session_blobs FOR SELECT
    USING (EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = session));
CREATE POLICY visible_blobs ON trailmark.blobs FOR SELECT
    USING (EXISTS (SELECT 1 FROM trailmark.session_blobs b WHERE b.sha256 = blobs.sha256));

-- Experts add images through this function only: a blob another expert stored already
-- stays invisible to them (they could not see it to skip it), and one they add is
-- linked to their own session in the same step.
CREATE FUNCTION trailmark.add_blob(owner_session uuid, key bytea, kind text, content bytea) RETURNS void
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM trailmark.sessions s WHERE s.id = owner_session AND s.expert = session_user) THEN
        RAISE EXCEPTION '% may not add images to session % (not their own)', session_user, owner_session
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO trailmark.blobs (sha256, mime, bytes) VALUES (key, kind, content) ON CONFLICT (sha256) DO NOTHING;
    INSERT INTO trailmark.session_blobs (session, sha256) VALUES (owner_session, key) ON CONFLICT DO NOTHING;
END
$$;
REVOKE ALL ON FUNCTION trailmark.add_blob(uuid, bytea, text, bytea) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trailmark.add_blob(uuid, bytea, text, bytea) TO trailmark_expert;

-- The expert may also say which task a session was for (only their own: the sessions policy).
GRANT UPDATE (task_id) ON trailmark.sessions TO trailmark_expert;
GRANT SELECT ON trailmark.campaigns, trailmark.tasks TO trailmark_expert, trailmark_reviewer, trailmark_admin;
GRANT INSERT, UPDATE ON trailmark.campaigns, trailmark.tasks TO trailmark_admin;
GRANT SELECT ON trailmark.blobs, trailmark.session_blobs TO trailmark_expert, trailmark_reviewer, trailmark_admin;

-- The queue. A reviewer cannot see the sessions waiting for review (row-level security),
-- so claiming runs as the schema's owner, for the role that logged in (session_user),
-- and does only this: hand back the caller's open claim (of the task, when one is
-- given; renewing its lease), else
-- claim the oldest complete session that still needs reviewers and that the caller
-- neither recorded nor reviewed. The candidate row is locked FOR UPDATE SKIP LOCKED,
-- so reviewers claiming at once never wait on each other nor take the same slot; the
-- count of live claims is taken again once the lock is held (a fresh snapshot), so a
-- claim committed a moment earlier is seen.
CREATE FUNCTION trailmark.claim_next(lease interval, only_task uuid DEFAULT NULL)
    RETURNS TABLE (session uuid, expires_at timestamptz)
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    caller name := session_user;
    picked uuid;
    wanted integer;
    live bigint;
    passed uuid[] := '{}';
BEGIN
    IF NOT pg_has_role(caller, 'trailmark_reviewer', 'MEMBER') THEN
        RAISE EXCEPTION 'only reviewers claim sessions (% is not a member of trailmark_reviewer)', caller
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE trailmark.assignments a
        SET expires_at = CASE WHEN a.expires_at IS NULL THEN NULL ELSE now() + lease END
        WHERE a.session = (SELECT o.session FROM trailmark.assignments o
                           JOIN trailmark.sessions os ON os.id = o.session
                           WHERE o.reviewer = caller AND o.submitted_at IS NULL
                             AND (o.expires_at IS NULL OR o.expires_at > now())
                             AND (only_task IS NULL OR os.task_id = only_task)
                           ORDER BY o.claimed_at, o.session LIMIT 1)
          AND a.reviewer = caller
        RETURNING a.session, a.expires_at INTO picked, claim_next.expires_at;
    IF picked IS NOT NULL THEN
        session := picked;
        RETURN NEXT;
        RETURN;
    END IF;
    LOOP
        SELECT s.id, coalesce(t.reviewers_per_session, 1) INTO picked, wanted
        FROM trailmark.sessions s LEFT JOIN trailmark.tasks t ON t.id = s.task_id
        WHERE s.complete AND s.expert <> caller AND s.id <> ALL (passed)
          AND (only_task IS NULL OR s.task_id = only_task)
          AND NOT EXISTS (SELECT 1 FROM trailmark.assignments a WHERE a.session = s.id
                          AND a.reviewer = caller
                          AND (a.submitted_at IS NOT NULL OR a.expires_at IS NULL OR a.expires_at > now()))
          AND (SELECT count(*) FROM trailmark.assignments a WHERE a.session = s.id
               AND (a.submitted_at IS NOT NULL OR a.expires_at IS NULL OR a.expires_at > now()))
              < coalesce(t.reviewers_per_session, 1)
        ORDER BY s.pushed_at, s.id
        LIMIT 1
        FOR UPDATE OF s SKIP LOCKED;
        IF picked IS NULL THEN
            RETURN;
        END IF;
        SELECT count(*) INTO live FROM trailmark.assignments a WHERE a.session = picked
            AND (a.submitted_at IS NOT NULL OR a.expires_at IS NULL OR a.expires_at > now());
        IF live < wanted THEN
            -- A lease that ran out is gone: its reviewer went away.
            DELETE FROM trailmark.assignments a WHERE a.session = picked AND a.submitted_at IS NULL
                AND a.expires_at IS NOT NULL AND a.expires_at <= now() AND a.reviewer <> caller;
            INSERT INTO trailmark.assignments AS a (session, reviewer, claimed_at, expires_at)
                VALUES (picked, caller, now(), now() + lease)
                ON CONFLICT ON CONSTRAINT assignments_pkey DO UPDATE
                    SET claimed_at = excluded.claimed_at, expires_at = excluded.expires_at, submitted_at = NULL
                RETURNING a.session, a.expires_at INTO session, claim_next.expires_at;
            RETURN NEXT;
            RETURN;
        END IF;
        passed := passed || picked;
    END LOOP;
END
$$;

-- Ends the caller's claim on a session (their annotations are pushed first).
CREATE FUNCTION trailmark.submit_review(reviewed uuid) RETURNS timestamptz
    LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    done timestamptz;
BEGIN
    UPDATE trailmark.assignments a SET submitted_at = now()
        WHERE a.session = reviewed AND a.reviewer = session_user AND a.submitted_at IS NULL
        RETURNING a.submitted_at INTO done;
    IF done IS NULL THEN
        SELECT a.submitted_at INTO done FROM trailmark.assignments a
            WHERE a.session = reviewed AND a.reviewer = session_user;
        IF done IS NULL THEN
            RAISE EXCEPTION '% holds no claim on session % (claim it with `trailmark team claim`)', session_user, reviewed
                USING ERRCODE = 'insufficient_privilege';
        END IF;
    END IF;
    RETURN done;
END
$$;

-- How many sessions still wait for a reviewer the caller could be (the queue's depth).
CREATE FUNCTION trailmark.waiting_for_review() RETURNS bigint
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT count(*) FROM trailmark.sessions s LEFT JOIN trailmark.tasks t ON t.id = s.task_id
    WHERE s.complete AND s.expert <> session_user
      AND NOT EXISTS (SELECT 1 FROM trailmark.assignments a WHERE a.session = s.id AND a.reviewer = session_user
                      AND (a.submitted_at IS NOT NULL OR a.expires_at IS NULL OR a.expires_at > now()))
      AND (SELECT count(*) FROM trailmark.assignments a WHERE a.session = s.id
           AND (a.submitted_at IS NOT NULL OR a.expires_at IS NULL OR a.expires_at > now()))
          < coalesce(t.reviewers_per_session, 1)
$$;

-- How far each task is, over every expert's sessions: an expert picking a task sees how
-- many sessions are still wanted although they see only their own.
CREATE FUNCTION trailmark.task_progress()
    RETURNS TABLE (task uuid, sessions_pushed bigint, reviews_submitted bigint)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
    SELECT t.id,
           (SELECT count(*) FROM trailmark.sessions s WHERE s.task_id = t.id AND s.complete),
           (SELECT count(*) FROM trailmark.assignments a JOIN trailmark.sessions s ON s.id = a.session
            WHERE s.task_id = t.id AND a.submitted_at IS NOT NULL)
    FROM trailmark.tasks t
$$;

REVOKE ALL ON FUNCTION trailmark.task_progress() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trailmark.task_progress() TO trailmark_expert, trailmark_reviewer, trailmark_admin;
REVOKE ALL ON FUNCTION trailmark.claim_next(interval, uuid), trailmark.submit_review(uuid),
    trailmark.waiting_for_review() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION trailmark.claim_next(interval, uuid), trailmark.submit_review(uuid),
    trailmark.waiting_for_review() TO trailmark_reviewer;
GRANT SELECT (session, reviewer, claimed_at, expires_at, submitted_at) ON trailmark.assignments TO trailmark_expert;
)sql";

std::optional<int> versionOf(PgConnection& connection, QString* error)
{
    const auto exists = connection.query("SELECT to_regclass('trailmark.meta') IS NOT NULL", {}, error);
    if (!exists)
        return std::nullopt;
    if (!exists->flag(0, 0))
        return 0;
    const auto version = connection.query("SELECT value FROM trailmark.meta WHERE key = 'schema_version'", {}, error);
    if (!version)
        return std::nullopt;
    return version->rows() == 1 ? version->text(0, 0).toInt() : 0;
}

} // namespace

bool initialize(PgConnection& connection, int* fromVersion, QString* error)
{
    if (!connection.exec(QStringLiteral("BEGIN"), error))
        return false;
    // One init at a time: two admins running it at once must not both create.
    if (!connection.exec(QStringLiteral("SELECT pg_advisory_xact_lock(7411871)"), error))
        return false;
    const auto version = versionOf(connection, error);
    if (!version) {
        connection.exec(QStringLiteral("ROLLBACK"), error);
        return false;
    }
    *fromVersion = *version;
    if (*version > kVersion) {
        *error = QStringLiteral("the team store at %1 has schema version %2, newer than this Trailmark knows (%3): "
                                "upgrade Trailmark")
                     .arg(connection.where())
                     .arg(*version)
                     .arg(kVersion);
        QString ignored;
        connection.exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    QString why;
    const bool ok =
        (*version >= 1 || connection.exec(QString::fromUtf8(kVersion1), &why)) &&
        (*version >= 2 || connection.exec(QString::fromUtf8(kVersion2), &why)) &&
        connection.exec(QStringLiteral("INSERT INTO trailmark.meta VALUES ('schema_version', '%1') ON CONFLICT (key) "
                                       "DO UPDATE SET value = excluded.value")
                            .arg(kVersion),
                        &why) &&
        connection.exec(QStringLiteral("COMMIT"), &why);
    if (!ok) {
        *error = QStringLiteral("cannot set up the team store at %1: %2").arg(connection.where(), why);
        QString ignored;
        connection.exec(QStringLiteral("ROLLBACK"), &ignored);
        return false;
    }
    return true;
}

bool check(PgConnection& connection, QString* error)
{
    const auto version = versionOf(connection, error);
    if (!version)
        return false;
    if (*version == 0) {
        *error = QStringLiteral("the team store at %1 is not set up: run `trailmark team init` as its owner")
                     .arg(connection.where());
        return false;
    }
    if (*version > kVersion) {
        *error = QStringLiteral("the team store at %1 has schema version %2, newer than this Trailmark knows (%3): "
                                "upgrade Trailmark")
                     .arg(connection.where())
                     .arg(*version)
                     .arg(kVersion);
        return false;
    }
    if (*version < kVersion) {
        *error = QStringLiteral("the team store at %1 has schema version %2: run `trailmark team init` to migrate it")
                     .arg(connection.where())
                     .arg(*version);
        return false;
    }
    return true;
}

} // namespace trailmark::team::schema
