#pragma once

#include <string_view>

namespace trailmark::store::migrations {

// The SQL that takes a database from schema version N-1 to N, for N = 1.. (index N-1).
// Append new steps; never edit a released one.
//
// Ids are 16-byte UUIDv7 blobs, not text: a short command event is about 100 bytes, and
// text ids in the row and two indexes would double that.
// events.kind is the field number of the Event body, so filters by kind need no decoding.
inline constexpr std::string_view kSteps[] = {
    R"sql(
CREATE TABLE sessions (
    rowid      INTEGER PRIMARY KEY,
    id         BLOB NOT NULL UNIQUE,
    started_ns INTEGER NOT NULL,
    ended_ns   INTEGER NOT NULL DEFAULT 0,
    state      INTEGER NOT NULL,
    payload    BLOB NOT NULL
);
CREATE TABLE events (
    rowid   INTEGER PRIMARY KEY,
    id      BLOB NOT NULL,
    session INTEGER NOT NULL,
    seq     INTEGER NOT NULL,
    time_ns INTEGER NOT NULL,
    kind    INTEGER NOT NULL,
    payload BLOB NOT NULL
);
CREATE UNIQUE INDEX events_by_id ON events(id);
CREATE UNIQUE INDEX events_by_session_seq ON events(session, seq);
CREATE TABLE annotations (
    rowid     INTEGER PRIMARY KEY,
    id        BLOB NOT NULL UNIQUE,
    session   INTEGER NOT NULL,
    target_id BLOB NOT NULL,
    reviewer  TEXT NOT NULL,
    time_ns   INTEGER NOT NULL,
    payload   BLOB NOT NULL
);
CREATE INDEX annotations_by_session ON annotations(session, target_id);
CREATE TABLE blobs (
    rowid  INTEGER PRIMARY KEY,
    sha256 BLOB NOT NULL UNIQUE,
    mime   TEXT NOT NULL,
    size   INTEGER NOT NULL,
    bytes  BLOB NOT NULL
);
CREATE TABLE ingest (
    source   TEXT PRIMARY KEY,
    position INTEGER NOT NULL
) WITHOUT ROWID;
)sql",
    // 2: bookkeeping of `trailmark import`, so re-importing a history file adds nothing.
    // A record is known by its start time and a 64-bit hash of its identity (atuin's
    // history id; for zsh/bash the file, time, redacted command text and occurrence:
    // never the raw text, whose hash would allow offline guessing of a secret in it); an atuin
    // shell session by time 0 and the hash of its id. The time leads the key so that an
    // import, which runs in time order, appends to the B-tree instead of writing all
    // over it (random keys made a 1M-row import rewrite the table in every batch).
    // session is the sessions.rowid the record went to, so a later import of the grown
    // file continues that session.
    R"sql(
CREATE TABLE imported (
    time_ns INTEGER NOT NULL,
    hash    INTEGER NOT NULL,
    session INTEGER NOT NULL,
    PRIMARY KEY (time_ns, hash)
) WITHOUT ROWID;
)sql",
};

inline constexpr int kLatestVersion = static_cast<int>(std::size(kSteps));

} // namespace trailmark::store::migrations
