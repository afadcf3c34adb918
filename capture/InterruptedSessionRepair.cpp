#include "capture/InterruptedSessionRepair.h"

#include "store/Store.h"

#include <spdlog/spdlog.h>

namespace trailmark::capture {

std::optional<QStringList> InterruptedSessionRepair::closeLeftOpen(store::Store& store, QString* error)
{
    const auto summaries = store.sessionSummaries(error);
    if (!summaries)
        return std::nullopt;
    QStringList closedIds;
    for (const store::SessionSummary& summary : *summaries) {
        const v1::Session& session = summary.session;
        if (!summary.decodeError.isEmpty() || !session.source().empty() ||
            (session.state() != v1::Session::STATE_RECORDING && session.state() != v1::Session::STATE_PAUSED))
            continue;
        v1::Session closed = session;
        closed.set_state(v1::Session::STATE_INTERRUPTED);
        closed.set_ended_ns(summary.lastEventNs > 0 ? summary.lastEventNs : session.started_ns());
        if (!store.updateSession(closed, error))
            return std::nullopt;
        closedIds.append(QString::fromStdString(session.id()));
        spdlog::warn("recorder: session {} was left open by a recorder that stopped without closing it; marked "
                     "interrupted",
                     session.id());
    }
    return closedIds;
}

} // namespace trailmark::capture
