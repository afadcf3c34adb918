#pragma once

#include "trailmark/v1/annotation.pb.h"
#include "trailmark/v1/session.pb.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace trailmark::chains {

// What kind of action a step is.
enum class StepTool
{
    Shell, // a command typed in a shell
    App,   // a switch to an application window, with the titles seen there
    Note,  // a note the expert wrote
};

// How a step ended.
enum class StepOutcome
{
    Ok,
    Error,       // non-zero exit, killed by a signal, or error text in the output
    Interrupted, // started but no end was recorded: the outcome is unknown
    Unknown,     // it ended, but the source kept no exit status (zsh/bash history imports)
};

QString toString(StepTool tool);
QString toString(StepOutcome outcome);
// The same names as C strings, for exporters writing UTF-8 directly.
const char* nameOf(StepTool tool);
const char* nameOf(StepOutcome outcome);

// One action of the expert with what it produced. Derived from events, never stored:
// a newer Trailmark may derive different steps from the same events.
//
// Text that came from the shell is kept as the exact bytes (std::string, as protobuf
// holds them) because a command may not be valid UTF-8; the lossless exporter needs
// them as they were.
struct Step
{
    int index = 0;
    StepTool tool = StepTool::Shell;
    StepOutcome outcome = StepOutcome::Ok;
    // Why the step is an error, one reason per cause, e.g. "exit 2", "signal 9",
    // "output: Traceback". Empty unless outcome is Error.
    QStringList errorReasons;

    qint64 startNs = 0;
    qint64 endNs = 0; // == startNs for notes; the last title change for app steps
    qint64 durationNs = 0;
    qint64 firstSeq = 0; // seq of the event that opens the step (for ordering)
    // Every event the step covers, opening event first (kept as protobuf holds them:
    // exports copy them by the million).
    std::vector<std::string> eventIds;

    // Shell steps.
    std::string command; // exactly as typed (after redaction)
    std::string cwd;
    std::string commandId;
    std::string shell;
    std::string shellSessionId;
    std::string host;
    bool hasExit = false;   // a CommandFinished was recorded
    bool exitKnown = false; // ... and it says how the command exited
    int exitCode = 0;
    int signal = 0;
    bool outputCaptured = false;
    bool outputTruncated = false;
    quint64 outputBytes = 0;
    std::string outputHead;
    std::string outputTail;

    // App steps.
    QString appClass;
    QString appInstance;
    bool excluded = false;
    // Titles seen while the app stayed active: the title at the switch, then every change.
    QStringList titles;

    // Note steps.
    QString noteText;
    QString noteKind; // "goal", "plan", "think-aloud", "reflection", or "" when unspecified

    // Screenshots taken during the step (SHA-256 of the stored blobs, hex).
    QStringList screenshots;

    // What the expert (or a reviewer) thought before this action.
    QString thought;
    QString thoughtSource; // "note", "reviewer", or "" when there is no thought

    // Retries: attempt 1 is the first try; a retry points at the attempt it repeats.
    int attempt = 1;
    int retryOf = -1;   // index of the failed step this one retries, -1 when none
    int retriedBy = -1; // index of the later step that retries this failed one
    int recovers = -1;  // for a successful retry: index of the first failed attempt

    // Reviewer annotations that target any event of the step, in time order.
    QList<v1::Annotation> annotations;

    bool isAction() const { return tool != StepTool::Note; }
    // The step's action as one line of text: the command, "App — title", or the note.
    QString actionText() const;
    // What the action produced, as text for people and chat formats.
    QString observationText() const;
    // The same as UTF-8 bytes (invalid sequences from the terminal left as they are),
    // without a round trip through QString: exports write it for every step.
    std::string observationUtf8() const;
    // A shell step's observation in the pieces it is made of: output head, the note on
    // omitted output, output tail, and the exit status line. Joined they are
    // observationUtf8(); exporters write them without joining.
    struct ObservationParts
    {
        std::string_view head;
        std::string middle;
        std::string_view tail;
        std::string status;
    };
    ObservationParts observationParts() const;
    // The latest rating any reviewer gave this step, when one did.
    std::optional<int> rating() const;
    // Every label reviewers gave this step, sorted, without duplicates.
    QStringList labels() const;
};

// An event that could not be decoded: kept visible rather than dropped.
struct UnreadableEvent
{
    qint64 seq = 0;
    qint64 timeNs = 0;
    QString eventId;
    QString error;
};

// A session's steps with what is known about the session.
struct Trajectory
{
    v1::Session session;
    std::vector<Step> steps;
    std::vector<UnreadableEvent> unreadable;
    // Annotations on the session itself (verdicts, overall comments), in time order.
    QList<v1::Annotation> sessionAnnotations;
    // Notes after the last action: the expert's conclusion.
    QStringList closingNotes;

    // The latest verdict any reviewer gave the session.
    v1::Annotation::Verdict verdict() const;
    int errorCount() const;
    int retryCount() const;
    int recoveryCount() const;
};

} // namespace trailmark::chains
