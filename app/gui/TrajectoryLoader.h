#pragma once

#include "chains/Step.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace trailmark::gui {

// Loads one session's trajectory on its own read-only connection; meant for a
// BackgroundJob. A long session shows as it loads: the first steps are handed out
// after a few hundred events, then a piece every 100 ms; the complete trajectory (with
// retry links, which need every step) comes last.
class TrajectoryLoader final
{
public:
    using StepBatch = std::shared_ptr<std::vector<chains::Step>>;
    using TrajectoryPointer = std::shared_ptr<chains::Trajectory>;
    // Steps from firstIndex on that will not change any more.
    using PieceReady = std::function<void(int firstIndex, StepBatch steps, qint64 eventsRead)>;

    TrajectoryLoader(QString databasePath, QString sessionId);

    // Null when the session cannot be read (*error says why) or cancelled() turned
    // true, which is checked at every event.
    TrajectoryPointer load(const std::function<bool()>& cancelled, const PieceReady& pieceReady, QString* error);

private:
    QString m_databasePath;
    QString m_sessionId;
};

} // namespace trailmark::gui
