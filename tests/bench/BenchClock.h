#pragma once

// What the benchmarks time with: a monotonic clock, and the CPU a process has used.

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

#include <ctime>
#include <unistd.h>

namespace trailmark::bench {

inline qint64 nowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<qint64>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// utime + stime of a process in seconds, from /proc/PID/stat; -1 when unreadable.
inline double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray line = stat.readAll();
    // The command name may hold spaces; fields are counted after its closing ')'.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const double ticks = static_cast<double>(fields.at(11).toLongLong() + fields.at(12).toLongLong());
    return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

} // namespace trailmark::bench
