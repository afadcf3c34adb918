#pragma once

#include "chains/export/FormatWriter.h"

#include <QString>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace trailmark::chains {

// Sessions in flight on the worker threads. Workers render sessions side by side, and
// the files get them strictly in session order, so they are those of one thread, byte
// for byte. A worker that finishes a session hands its bytes in and goes on with the
// next session; the calling thread writes what was handed in, in order. (A worker that
// waited for its turn instead would idle while an earlier session is still rendered.) A
// session that outgrows the hold limit waits for its turn and writes the rest itself.
class SessionTurns
{
public:
    // handInLimit: bytes that may wait, handed in, for their turn (sessions after the
    // next one wait to hand theirs in beyond it).
    SessionTurns(size_t sessions, size_t handInLimit)
        : m_sessions(sessions)
        , m_handInLimit(handInLimit)
    {}

    // The next session to derive, or none when all are claimed or the export stopped.
    std::optional<size_t> claim();
    // Blocks until session is the one to be written; false once the export stopped.
    bool waitForTurn(size_t session, QString* error);
    // Called by the session that took its turn, once all of it is written: runs done
    // (under the lock, in session order) and hands the turn on.
    void passTurn(const std::function<void()>& done);
    // A rendered session's bytes, written in its turn by writeHandedIn(), which then runs
    // done (under the lock, in session order). Blocks while more than the limit waits
    // already, unless the session is next. Gives back the emptied buffers of a written
    // session, when there are any, for the worker's next capture.
    bool handIn(size_t session, SessionCapture::Held held, std::function<void()> done, SessionCapture::Held* buffers,
                QString* error);
    // On the calling thread: waits up to timeout for something to happen, then writes
    // the handed-in sessions whose turn it is. How many sessions are written, and
    // whether the export stopped.
    std::pair<size_t, bool> writeHandedIn(size_t seen, std::chrono::milliseconds timeout);
    // Stops every worker; the first reason given is the export's error.
    void stop(const QString& reason);
    QString error();

private:
    struct HandedIn
    {
        SessionCapture::Held held;
        std::function<void()> done;
        size_t bytes = 0;
    };
    // Written sessions' buffers kept for reuse: about one per worker.
    static constexpr size_t kSpareBuffers = 8;

    void stopLocked(const QString& reason);
    bool stoppedWith(QString* error) const;

    const size_t m_sessions;
    const size_t m_handInLimit;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_claimed = 0;
    size_t m_written = 0;
    bool m_stopped = false;
    QString m_error;
    std::map<size_t, HandedIn> m_handedIn;
    size_t m_handedInBytes = 0;
    std::vector<SessionCapture::Held> m_spareBuffers;
};

} // namespace trailmark::chains
