#pragma once

#include "chains/Step.h"
#include "chains/StepOutline.h"

#include <QString>

#include <functional>
#include <memory>
#include <vector>

namespace trailmark::gui {

// Outlines one session on its own read-only connection; meant for a BackgroundJob. A
// long session shows as it loads: the steps of its first few hundred events come
// first, whole, then how far reading has come every 100 ms; the outline of every step
// (with retry links, which need every step) comes last. Memory is that of the outline:
// a few dozen bytes per step (StepListModel derives the steps in view again).
class TrajectoryLoader final
{
public:
    using StepBatch = std::shared_ptr<std::vector<chains::Step>>;
    using OutlinePointer = std::shared_ptr<chains::TrajectoryOutline>;
    // The first steps (null after the first call), and the events read so far.
    using Progress = std::function<void(StepBatch firstSteps, qint64 eventsRead)>;

    TrajectoryLoader(QString databasePath, QString sessionId);

    // Null when the session cannot be read (*error says why) or cancelled() turned
    // true, which is checked at every event.
    OutlinePointer load(const std::function<bool()>& cancelled, const Progress& progress, QString* error);

private:
    QString m_databasePath;
    QString m_sessionId;
};

} // namespace trailmark::gui
