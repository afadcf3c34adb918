#pragma once

#include <QtGlobal>

namespace trailmark::store {

// The time source for everything that stamps events. Injectable so tests can drive
// time-dependent behaviour (batch commits, retry windows) without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    // Unix time in nanoseconds.
    virtual qint64 nowNs() const;
    // Monotonic nanoseconds for measuring intervals; never goes backwards.
    virtual qint64 monotonicNs() const;

    static const Clock& system();
};

} // namespace trailmark::store
