#include "gui/TrajectoryLoader.h"

#include "chains/TrajectoryBuilder.h"
#include "store/Store.h"

#include <QElapsedTimer>

#include <spdlog/spdlog.h>

namespace trailmark::gui {
namespace {

// The first screen comes from this many events, derived whole before the rest.
constexpr qint64 kFirstPieceEvents = 400;
constexpr qint64 kProgressIntervalMs = 100;

} // namespace

TrajectoryLoader::TrajectoryLoader(QString databasePath, QString sessionId)
    : m_databasePath(std::move(databasePath))
    , m_sessionId(std::move(sessionId))
{}

TrajectoryLoader::OutlinePointer TrajectoryLoader::load(const std::function<bool()>& cancelled,
                                                        const Progress& progress, QString* error)
{
    auto store = store::Store::open(m_databasePath, store::Store::Access::ReadOnly, error);
    if (!store)
        return nullptr;
    auto session = store->session(m_sessionId, error);
    const auto annotations = session ? store->annotations(m_sessionId, error) : std::nullopt;
    if (!session || !annotations)
        return nullptr;

    // The first screen: the steps of the first events, whole. The last of them may still
    // grow (titles, a finish record), so it waits for the outline.
    {
        chains::TrajectoryBuilder first(*session, *annotations);
        qint64 eventsRead = 0;
        if (!store->readEvents(
                m_sessionId, 0, kFirstPieceEvents,
                [&](const store::StoredEvent& stored) {
                    first.add(stored);
                    ++eventsRead;
                    return !cancelled();
                },
                error))
            return nullptr;
        std::vector<chains::Step> steps = first.finish().steps;
        if (!steps.empty() && eventsRead == kFirstPieceEvents)
            steps.pop_back();
        // Retries are linked over the whole session: none yet.
        for (chains::Step& step : steps) {
            step.attempt = 1;
            step.retryOf = step.retriedBy = step.recovers = -1;
            step.fixSteps.clear();
        }
        if (!steps.empty())
            progress(std::make_shared<std::vector<chains::Step>>(std::move(steps)), eventsRead);
    }

    chains::TrajectoryBuilder builder(std::move(*session), *annotations, {}, chains::TrajectoryBuilder::Keep::Outline);
    QElapsedTimer sinceProgress;
    sinceProgress.start();
    qint64 eventsRead = 0;
    const bool read = store->readEvents(
        m_sessionId, 0, -1,
        [&](const store::StoredEvent& stored) {
            if (cancelled())
                return false;
            builder.add(stored);
            ++eventsRead;
            if (sinceProgress.elapsed() >= kProgressIntervalMs) {
                progress(nullptr, eventsRead);
                sinceProgress.restart();
            }
            return true;
        },
        error);
    if (!read || cancelled())
        return nullptr;
    auto outline = std::make_shared<chains::TrajectoryOutline>(builder.finishOutline());
    spdlog::debug("loaded session {}: {} events, {} steps", m_sessionId.toStdString(), eventsRead,
                  outline->steps.size());
    return outline;
}

} // namespace trailmark::gui
