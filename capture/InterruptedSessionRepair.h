#pragma once

#include <QStringList>

#include <optional>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::capture {

// Closes the live sessions a recorder that died (killed, crashed, power lost) left
// RECORDING or PAUSED: they become INTERRUPTED and end at their last event. Run under
// the recorder lock, so none of them is still being recorded. Imports (sessions with a
// source) are not live and are left alone.
class InterruptedSessionRepair
{
public:
    // The ids of the sessions closed, oldest last as the store lists them; nullopt and
    // *error when the store cannot be read or written.
    static std::optional<QStringList> closeLeftOpen(store::Store& store, QString* error);
};

} // namespace trailmark::capture
