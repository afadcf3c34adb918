#pragma once

#include "Step.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

namespace trailmark::gui {

// Loads one session's trajectory off the GUI thread, on its own read-only connection.
// A long session shows as it loads: the first steps are sent after a few hundred
// events, then a piece every 100 ms; the complete trajectory (with retry links, which
// need every step) comes last.
class TrajectoryLoader final : public QObject
{
    Q_OBJECT

public:
    using StepBatch = std::shared_ptr<std::vector<chains::Step>>;
    using TrajectoryPointer = std::shared_ptr<chains::Trajectory>;

    TrajectoryLoader(QString databasePath, QString sessionId);

    // Safe from any thread; the loader stops at the next event.
    void cancel() { m_cancelled.store(true); }

public Q_SLOTS:
    void run();

Q_SIGNALS:
    void stepsLoaded(int firstIndex, trailmark::gui::TrajectoryLoader::StepBatch steps, qint64 eventsRead);
    void finished(trailmark::gui::TrajectoryLoader::TrajectoryPointer trajectory);
    void failed(const QString& error);

private:
    QString m_databasePath;
    QString m_sessionId;
    std::atomic<bool> m_cancelled{false};
};

} // namespace trailmark::gui
