#pragma once

#include "trailmark/v1/event.pb.h"

#include <QString>

#include <memory>

namespace trailmark::store {
class EventWriter;
class Store;
} // namespace trailmark::store

namespace trailmark {

namespace test {

// Writes a session's events through the real EventWriter, one call per thing the expert
// did, with times the test controls. Fails the current test (QFAIL-style warning plus
// a false return from flush()) when the store refuses an event.
class SessionScript
{
public:
    SessionScript(store::Store& store, QString sessionId, qint64 startNs = 1'767'225'600'000'000'000);
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
    store::Store& m_store;
    QString m_sessionId;
    std::unique_ptr<store::EventWriter> m_writer;
    qint64 m_nowNs;
    int m_nextCommand = 1;
    bool m_ok = true;
};

} // namespace test
} // namespace trailmark

namespace trailmark::test {

// A session as an expert really leaves one: a goal, a failing test, an edit, a look at
// the docs in a browser (with a screenshot), the re-run that passes, a mistake in a
// second shell, a command whose bytes are not UTF-8, one that never finished, and a
// closing reflection. Reviewers rated two steps and accepted the session.
struct MessySession
{
    QString sessionId;
    QString failedTestEventId;  // step 2: pytest fails
    QString recoveryEventId;    // the pytest re-run that passes
    QString wrongTargetEventId; // make build in shell B, rated -1
    QByteArray screenshotSha256;
};
MessySession createMessySession(store::Store& store, const QString& task = QStringLiteral("make the parser tests pass"),
                                qint64 startNs = 1'767'225'600'000'000'000, bool accepted = true);

} // namespace trailmark::test
