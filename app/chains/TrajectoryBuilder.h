#pragma once

#include "RetryDetector.h"
#include "Step.h"
#include "trailmark/v1/event.pb.h"

#include <QHash>

#include <functional>
#include <optional>
#include <unordered_map>

namespace trailmark {
class Store;
struct StoredEvent;
} // namespace trailmark

namespace trailmark::chains {

// Turns a session's events, fed in seq order, into steps.
//
// - CommandStarted opens a shell step; the CommandFinished with the same command_id
//   closes it. A start with no finish is Interrupted (outcome unknown); a finish with
//   no start still becomes a step, with an empty command.
// - AppSwitch opens an app step; TitleChanges that follow while that app stays active
//   add to its titles.
// - A Note is a step of its own and also the thought of the next action step (the
//   latest note since the previous action wins). An action with no note gets the
//   rationale of the latest reviewer annotation on it, if any.
// - Screenshots attach to the step they were taken in.
// - Reviewer redactions (Annotation.redactions) are applied to the events before
//   anything else sees them, so steps, `show` and every export carry the redacted text.
//
// Memory is one session's steps; events are not kept.
class TrajectoryBuilder
{
public:
    struct Options
    {
        RetryDetector::Options retry;
    };

    TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations, Options options);
    explicit TrajectoryBuilder(v1::Session session, const QList<v1::Annotation>& annotations = {})
        : TrajectoryBuilder(std::move(session), annotations, Options())
    {}

    // Adds the next event. Returns the event as it should be exported: the same object,
    // or a copy with reviewer redactions applied.
    const v1::Event& add(const StoredEvent& stored);
    Trajectory finish();

    // Reads a whole session from the store. onEvent sees every readable event after
    // redaction, in seq order (the protobuf exporter writes them as they stream by).
    static std::optional<Trajectory> load(Store& store, const QString& sessionId, const Options& options,
                                          const std::function<bool(const v1::Event&, QString*)>& onEvent,
                                          QString* error);

private:
    Step& newStep(StepTool tool, const v1::Event& event);
    void applyRedactions(v1::Event& event);
    void closeAppStep(qint64 atNs);
    void rememberStepOf(const v1::Event& event, int stepIndex);
    void finishCommand(Step& step, const v1::Event& event);

    Options m_options;
    Trajectory m_trajectory;
    QHash<QString, QList<v1::Annotation>> m_annotationsByEvent;
    QHash<QString, QList<v1::RedactionSpan>> m_outputRedactionsByCommand;
    std::unordered_map<std::string, int> m_openCommands; // command_id -> step index
    QHash<QString, int> m_stepOfEvent;                   // event id -> step index, for annotations
    int m_currentApp = -1;
    int m_lastStep = -1;
    QString m_pendingThought;
    QStringList m_pendingScreenshots;
    qint64 m_lastEventNs = 0;
    v1::Event m_redacted;
};

} // namespace trailmark::chains
