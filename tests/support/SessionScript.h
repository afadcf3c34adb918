#pragma once

#include "trailmark/v1/event.pb.h"

#include <QString>

#include <memory>

namespace trailmark {
class EventWriter;
class Store;

namespace test {

// Writes a session's events through the real EventWriter, one call per thing the expert
// did, with times the test controls. Fails the current test (QFAIL-style warning plus
// a false return from flush()) when the store refuses an event.
class SessionScript
{
public:
    SessionScript(Store& store, QString sessionId, qint64 startNs = 1'767'225'600'000'000'000);
    ~SessionScript();

    // A whole command: start and finish records, advancing time by durationMs.
    // Returns the id of the CommandStarted event (the step's target for annotations).
    QString command(const QByteArray& commandText, int exitCode, const QByteArray& output = {},
                    const QString& shellSession = QStringLiteral("shell-A"), qint64 durationMs = 200, int signal = 0);
    // Only the start (no finish: an interrupted command).
    QString startCommand(const QByteArray& commandText, const QString& shellSession = QStringLiteral("shell-A"));
    QString appSwitch(const QString& appClass, const QString& title);
    QString titleChange(const QString& title);
    QString note(const QString& text, v1::Note::Kind kind = v1::Note::KIND_THINK_ALOUD);
    QString screenshot(const QByteArray& sha256);
    QString append(v1::Event event);

    void advanceMs(qint64 ms) { m_nowNs += ms * 1'000'000; }
    qint64 nowNs() const { return m_nowNs; }
    bool flush();

private:
    Store& m_store;
    QString m_sessionId;
    std::unique_ptr<EventWriter> m_writer;
    qint64 m_nowNs;
    int m_nextCommand = 1;
    bool m_ok = true;
};

} // namespace test
} // namespace trailmark
