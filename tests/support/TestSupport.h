#pragma once

#include "store/Clock.h"
#include "trailmark/v1/event.pb.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::v1 {
class Session;
} // namespace trailmark::v1

namespace trailmark {

namespace test {

// A clock the test moves by hand.
class ManualClock final : public store::Clock
{
public:
    explicit ManualClock(qint64 startNs = 1'767'225'600'000'000'000) // 2026-01-01T00:00:00Z
        : m_nowNs(startNs)
    {}
    qint64 nowNs() const override { return m_nowNs; }
    qint64 monotonicNs() const override { return m_nowNs; }
    void advanceMs(qint64 ms) { m_nowNs += ms * 1'000'000; }

private:
    qint64 m_nowNs;
};

// A fresh temporary directory with a database path inside it; removed at the end.
class TempDatabase
{
public:
    TempDatabase();
    QString path() const { return m_path; }
    QString directory() const { return m_directory.path(); }
    // Opens (creating) the database read-write; fails the current test when it cannot.
    std::unique_ptr<store::Store> open() const;

private:
    QTemporaryDir m_directory;
    QString m_path;
};

// Creates a session with the given task, failing the test on error.
QString createSession(store::Store& store, const QString& task);

// Every event of a session in seq order (a read error leaves the list short, which the
// test's own comparisons then catch).
QList<v1::Event> eventsOf(store::Store& store, const QString& sessionId);

// Every file under a folder (hidden ones too), by path relative to it, with its bytes:
// what two exports are compared by.
QMap<QString, QByteArray> filesUnder(const QString& folder);

// The permission bits of a path (e.g. 0600).
int modeOf(const QString& path);
// CPU time (user + system) this process has used, or its waited-for children (children
// = true), in microseconds.
qint64 cpuMicroseconds(bool children = false);

} // namespace test
} // namespace trailmark
