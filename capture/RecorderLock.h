#pragma once

#include <QString>

namespace trailmark::capture {

// Only one recorder writes into a database at a time: an exclusive flock on
// "<database>.lock" (0600), held for the recorder's lifetime and released by the kernel
// when the process dies, however it dies. The file holds the holder's pid, so the next
// one can say who is recording.
class RecorderLock
{
public:
    explicit RecorderLock(const QString& databasePath);
    ~RecorderLock();
    RecorderLock(const RecorderLock&) = delete;
    RecorderLock& operator=(const RecorderLock&) = delete;

    // Takes the lock without waiting; false and why ("another recorder (pid 1234) is
    // recording into DB") when it is held.
    bool acquire(QString* error);
    void release();
    bool isHeld() const { return m_fd >= 0; }
    QString path() const { return m_path; }

    // Whether some process holds the lock of databasePath, and its pid when known (0).
    static bool isLocked(const QString& databasePath, qint64* holderPid);

private:
    QString m_databasePath;
    QString m_path;
    int m_fd = -1;
};

} // namespace trailmark::capture
