#pragma once

#include <QString>

namespace trailmark::team {

class PgConnection;

// The team store's tables, roles and row-level security, versioned like the local
// store: `trailmark team init` creates them or migrates an older version in one
// transaction, and every other command refuses a schema it does not know.
//
// Roles (group roles, NOLOGIN; people are LOGIN roles granted one of them):
//  - trailmark_expert sees and pushes only sessions whose expert is themselves;
//  - trailmark_reviewer sees the sessions assigned to them, and writes annotations
//    (its own) on those only;
//  - trailmark_admin sees everything and manages campaigns, tasks and assignments.
// Reviewers claim sessions from the queue through trailmark.claim_next(), which runs as
// the schema's owner and does nothing else (they cannot see what waits otherwise).
// PostgreSQL enforces this (GRANTs and policies), not the client. Events are immutable:
// no role is granted UPDATE or DELETE on them, and a trigger refuses both to anyone.
namespace schema {

constexpr int kVersion = 2;

// Creates or migrates the schema. Needs a role that may create schemas and roles
// (the database owner with CREATEROLE, or a superuser).
bool initialize(PgConnection& connection, int* fromVersion, QString* error);
// The schema's version on the server, 0 when there is none; fails (with what to do)
// when it is newer than this build knows or absent.
bool check(PgConnection& connection, QString* error);

} // namespace schema
} // namespace trailmark::team
