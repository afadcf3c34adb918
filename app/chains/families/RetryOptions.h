#pragma once

#include <QtGlobal>

namespace trailmark::chains {

// How retries are recognised, for families whose steps have attempts.
struct RetryOptions
{
    qint64 windowNs = 10LL * 60 * 1'000'000'000; // 10 minutes
    double maxDistance = 0.4;                    // normalised edit distance, 0..1
};

} // namespace trailmark::chains
