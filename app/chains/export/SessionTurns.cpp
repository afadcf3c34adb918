#include "chains/export/SessionTurns.h"

namespace trailmark::chains {

std::optional<size_t> SessionTurns::claim()
{
    std::lock_guard lock(m_mutex);
    if (m_stopped || m_claimed >= m_sessions)
        return std::nullopt;
    return m_claimed++;
}

bool SessionTurns::waitForTurn(size_t session, QString* error)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_stopped || m_written == session; });
    return !stoppedWith(error);
}

void SessionTurns::passTurn(const std::function<void()>& done)
{
    std::lock_guard lock(m_mutex);
    done();
    ++m_written;
    m_changed.notify_all();
}

bool SessionTurns::handIn(size_t session, SessionCapture::Held held, std::function<void()> done,
                          SessionCapture::Held* buffers, QString* error)
{
    size_t bytes = 0;
    for (const auto& pending : held)
        bytes += pending.second.size();
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] {
        return m_stopped || session == m_written || m_handedIn.empty() || m_handedInBytes + bytes <= m_handInLimit;
    });
    if (stoppedWith(error))
        return false;
    m_handedIn.emplace(session, HandedIn{std::move(held), std::move(done), bytes});
    m_handedInBytes += bytes;
    if (!m_spareBuffers.empty()) {
        *buffers = std::move(m_spareBuffers.back());
        m_spareBuffers.pop_back();
    }
    m_changed.notify_all();
    return true;
}

std::pair<size_t, bool> SessionTurns::writeHandedIn(size_t seen, std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    m_changed.wait_for(lock, timeout,
                       [&] { return m_stopped || m_written != seen || m_handedIn.count(m_written) > 0; });
    while (!m_stopped) {
        const auto next = m_handedIn.find(m_written);
        if (next == m_handedIn.end())
            break;
        HandedIn session = std::move(next->second);
        m_handedIn.erase(next);
        lock.unlock();
        QString writeError;
        const bool written = SessionCapture::writeHeld(session.held, &writeError);
        lock.lock();
        if (!written) {
            stopLocked(writeError);
            break;
        }
        session.done();
        m_handedInBytes -= session.bytes;
        if (m_spareBuffers.size() < kSpareBuffers)
            m_spareBuffers.push_back(std::move(session.held));
        ++m_written;
        m_changed.notify_all();
    }
    return {m_written, m_stopped};
}

void SessionTurns::stop(const QString& reason)
{
    std::lock_guard lock(m_mutex);
    stopLocked(reason);
}

QString SessionTurns::error()
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

void SessionTurns::stopLocked(const QString& reason)
{
    if (!m_stopped)
        m_error = reason;
    m_stopped = true;
    m_changed.notify_all();
}

bool SessionTurns::stoppedWith(QString* error) const
{
    if (m_stopped)
        *error = QStringLiteral("export stopped");
    return m_stopped;
}

} // namespace trailmark::chains
