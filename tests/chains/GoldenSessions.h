#pragma once

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::test {

// The sessions whose exports are kept under tests/fixtures/golden-exports: two messy
// shell sessions (failures, a retry that recovers, notes, a screenshot, reviews, one
// accepted and one sent back), GUI actions with keyframes and alerts, file edits saved
// in an editor and written by a command, a task boundary, commands that end every
// other way, and a session with only a note. Every time is fixed; ids are not (the
// store draws them), which is why the test maps them to placeholders.
void createGoldenSessions(store::Store& store);

} // namespace trailmark::test
