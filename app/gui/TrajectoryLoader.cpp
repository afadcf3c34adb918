#include "gui/TrajectoryLoader.h"

#include "chains/TrajectoryBuilder.h"
#include "store/Store.h"

#include <QElapsedTimer>

#include <spdlog/spdlog.h>

namespace trailmark::gui {
namespace {

// The first piece goes out early so the first screen appears at once.
constexpr qint64 kFirstPieceEvents = 400;
constexpr qint64 kPieceIntervalMs = 100;

} // namespace

TrajectoryLoader::TrajectoryLoader(QString databasePath, QString sessionId)
    : m_databasePath(std::move(databasePath))
    , m_sessionId(std::move(sessionId))
{}

TrajectoryLoader::TrajectoryPointer TrajectoryLoader::load(const std::function<bool()>& cancelled,
                                                           const PieceReady& pieceReady, QString* error)
{
    auto store = store::Store::open(m_databasePath, store::Store::Access::ReadOnly, error);
    if (!store)
        return nullptr;
    auto session = store->session(m_sessionId, error);
    const auto annotations = session ? store->annotations(m_sessionId, error) : std::nullopt;
    if (!session || !annotations)
        return nullptr;
    chains::TrajectoryBuilder builder(std::move(*session), *annotations);

    QElapsedTimer sinceLastPiece;
    sinceLastPiece.start();
    qint64 eventsRead = 0;
    size_t sent = 0;
    bool firstPieceSent = false;
    const auto sendPiece = [&] {
        const auto& steps = builder.stepsSoFar();
        // The last step may still grow (titles, a finish record); it goes in the next piece.
        const size_t stable = steps.empty() ? 0 : steps.size() - 1;
        if (stable <= sent)
            return;
        auto piece = std::make_shared<std::vector<chains::Step>>(steps.begin() + static_cast<qsizetype>(sent),
                                                                 steps.begin() + static_cast<qsizetype>(stable));
        pieceReady(static_cast<int>(sent), std::move(piece), eventsRead);
        sent = stable;
        sinceLastPiece.restart();
    };

    const bool read = store->readEvents(
        m_sessionId, 0, -1,
        [&](const store::StoredEvent& stored) {
            if (cancelled())
                return false;
            builder.add(stored);
            ++eventsRead;
            if ((!firstPieceSent && eventsRead >= kFirstPieceEvents) ||
                (firstPieceSent && sinceLastPiece.elapsed() >= kPieceIntervalMs)) {
                firstPieceSent = true;
                sendPiece();
            }
            return true;
        },
        error);
    if (!read || cancelled())
        return nullptr;
    auto trajectory = std::make_shared<chains::Trajectory>(builder.finish());
    spdlog::debug("loaded session {}: {} events, {} steps", m_sessionId.toStdString(), eventsRead,
                  trajectory->steps.size());
    return trajectory;
}

} // namespace trailmark::gui
