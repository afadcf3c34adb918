#pragma once

#include <QString>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

// A long session of every family, and reviewers' annotations on it, for the tests that
// compare ways of deriving steps.
namespace trailmark::test {

void writeMixedSession(store::Store& store, const QString& sessionId, quint32 seed, int rounds);
void annotate(store::Store& store, const QString& sessionId);

} // namespace trailmark::test
