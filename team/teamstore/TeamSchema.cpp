#include "teamstore/TeamSchema.h"

#include "teamstore/PgConnection.h"

#include <optional>

namespace trailmark::teamstore::schema {
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

} // namespace trailmark::teamstore::schema
