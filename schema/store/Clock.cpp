#include "store/Clock.h"

#include <chrono>

namespace trailmark::store {

qint64 Clock::nowNs() const
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
}

qint64 Clock::monotonicNs() const
{
    using namespace std::chrono;
    return duration_cast<nanoseconds>(steady_clock::now().time_since_epoch()).count();
}

const Clock& Clock::system()
{
    static const Clock clock;
    return clock;
}

} // namespace trailmark::store
