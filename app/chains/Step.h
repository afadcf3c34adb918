#pragma once

#include "trailmark/v1/annotation.pb.h"
#include "trailmark/v1/session.pb.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::chains {

struct Family;
struct TrajectoryOutline;

// How a step ended.
enum class StepOutcome : quint8
{
    Ok,
    Error,       // non-zero exit, killed by a signal, or error text in the output
    NoResult,    // a status that is an answer, not a failure: a search found nothing,
                 // a comparison found differences, a test said no
    Stopped,     // the expert ended a server, watcher, pager or editor with Ctrl-C
    Interrupted, // started but no end was recorded: the outcome is unknown
    Unknown,     // it ended, but the source kept no exit status (zsh/bash history imports)
};

// "ok", "error", "no-result", "stopped", "interrupted", "unknown": the one text form of
// each outcome, shared by show, the GUI, exports and `annotate --outcome`.
const char* nameOf(StepOutcome outcome);
QString toString(StepOutcome outcome);
std::optional<StepOutcome> parseOutcome(const QString& name);
// Outcomes a reviewer may give a step (every one but "unknown", which only says what the
// source did not keep).
QStringList correctableOutcomeNames();

// Where a step's thought came from (Step::thoughtSource), one text form for show, the
// GUI and the exports: the expert's note before the action, or a reviewer's rationale.
inline constexpr char kThoughtFromNote[] = "note";
inline constexpr char kThoughtFromReviewer[] = "reviewer";

// What one family derives into a step beyond the fields every step has (the command and
// its output, the app and its titles, the note's text). Each family defines its own.
class StepDetail
{
public:
    virtual ~StepDetail() = default;
    virtual std::unique_ptr<StepDetail> clone() const = 0;
};

// The detail of one family's steps; clone() copies it as the derived type.
template <typename Derived> class StepDetailOf : public StepDetail
{
public:
    std::unique_ptr<StepDetail> clone() const override
    {
        return std::make_unique<Derived>(static_cast<const Derived&>(*this));
    }
};

// One action of the expert with what it produced. Derived from events, never stored:
// a newer Trailmark may derive different steps from the same events. The fields here are
// the ones every step has; what is particular to a kind of step is in `detail`, owned by
// the family that derived it (families/).
struct Step
{
    Step() = default;
    Step(const Step& other);
    Step& operator=(const Step& other);
    Step(Step&&) noexcept = default;
    Step& operator=(Step&&) noexcept = default;
    ~Step() = default;

    int index = 0;
    // The family that derived the step: its tool, texts and export form (Family.h).
    const Family* family = nullptr;
    StepOutcome outcome = StepOutcome::Ok;
    // Why the step is an error, one reason per cause, e.g. "exit 2", "signal 9",
    // "output: Traceback". Empty unless the derived outcome is Error.
    QStringList errorReasons;
    // Why a step that exited non-zero is no error ("no match", "differences found",
    // "stopped with Ctrl-C"); empty otherwise.
    QString outcomeReason;
    // When a reviewer corrected the outcome (review::applyOutcomeCorrection): what was
    // derived, when the correction differs from it, and who corrected it last.
    std::optional<StepOutcome> derivedOutcome;
    QString outcomeCorrectedBy;

    qint64 startNs = 0;
    qint64 endNs = 0; // == startNs for notes; the last title change for app steps
    qint64 durationNs = 0;
    qint64 firstSeq = 0; // seq of the event that opens the step (for ordering)
    // Every event the step covers, opening event first (kept as protobuf holds them:
    // exports copy them by the million).
    std::vector<std::string> eventIds;

    // Screenshots taken during the step (SHA-256 of the stored blobs, hex).
    QStringList screenshots;

    // What the expert (or a reviewer) thought before this action.
    QString thought;
    QString thoughtSource; // kThoughtFromNote, kThoughtFromReviewer, or "" when there is no thought

    // Retries: attempt 1 is the first try; a retry points at the attempt it repeats.
    int attempt = 1;
    int retryOf = -1;   // index of the failed step this one retries, -1 when none
    int retriedBy = -1; // index of the later step that retries this failed one
    int recovers = -1;  // for a successful retry: index of the first failed attempt

    // For a recovery: the steps between the first failed attempt and this one that
    // changed files (edits, a command's writes): the fix.
    std::vector<int> fixSteps;

    // Reviewer annotations that target any event of the step, in time order.
    QList<v1::Annotation> annotations;

    std::unique_ptr<StepDetail> detail;
    // What the step changed beyond its own detail, described by another family: the
    // files a command wrote as it ran (sed -i, git checkout), owned by the edit family.
    const Family* effectsFamily = nullptr;
    std::unique_ptr<StepDetail> effects;

    // The family's detail as its own type; nullptr for a step of another family.
    // Details are final classes, so comparing the exact type is enough; exports ask this
    // for every column of every step, where a dynamic_cast showed in profiles.
    template <typename Detail> const Detail* as() const
    {
        static_assert(std::is_final_v<Detail>, "step details are final classes");
        return detail && typeid(*detail) == typeid(Detail) ? static_cast<const Detail*>(detail.get()) : nullptr;
    }
    template <typename Detail> Detail* as() { return const_cast<Detail*>(std::as_const(*this).as<Detail>()); }
    template <typename Detail> const Detail* effectsAs() const
    {
        static_assert(std::is_final_v<Detail>, "step details are final classes");
        return effects && typeid(*effects) == typeid(Detail) ? static_cast<const Detail*>(effects.get()) : nullptr;
    }
    template <typename Detail> Detail* effectsAs()
    {
        return const_cast<Detail*>(std::as_const(*this).effectsAs<Detail>());
    }
    // Whether the step changed files: an edit, or a command with file effects.
    bool changesFiles() const;

    // The step's kind as shown and exported: "shell", "app", "note", ...
    std::string_view tool() const;
    QString toolText() const;
    bool isAction() const;
    // Whether the step's family tries steps again, so that its attempt number says something.
    bool hasAttempts() const;
    // The step's action as one line of text: the command, "switch to App — title", the note.
    QString actionText() const;
    // What the action produced, as text for people and chat formats.
    QString observationText() const;
    // The same as UTF-8 bytes (invalid sequences from the terminal left as they are).
    std::string observationUtf8() const;
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
    // Every step, whole; empty when the trajectory is outlined (a very long session
    // exported in bounded memory): then StepCursor derives its steps again from
    // pagesFrom a page at a time.
    std::vector<Step> steps;
    std::shared_ptr<const TrajectoryOutline> outline;
    store::Store* pagesFrom = nullptr;
    std::vector<UnreadableEvent> unreadable;
    // Annotations on the session itself (verdicts, overall comments), in time order.
    QList<v1::Annotation> sessionAnnotations;
    // Notes after the last action: the expert's conclusion.
    QStringList closingNotes;

    // The latest verdict any reviewer gave the session.
    v1::Annotation::Verdict verdict() const;
    int stepCount() const;
    int errorCount() const;
    int retryCount() const;
    int recoveryCount() const;
};

// Goes through a trajectory's steps in order, whole or outlined alike:
//
//     StepCursor cursor(trajectory);
//     while (const Step* step = cursor.next()) ...
//     if (!cursor.ok()) ... cursor.error()
//
// A step returned stays valid until the next call, unless the writer keeps it (ShareGPT
// writes an action's observation once the next action is known; PRM800K reads the last
// action after the loop).
class StepCursor
{
public:
    explicit StepCursor(const Trajectory& trajectory);
    ~StepCursor();
    StepCursor(const StepCursor&) = delete;
    StepCursor& operator=(const StepCursor&) = delete;

    // The next step; null at the end, or when the steps cannot be derived again.
    const Step* next();
    bool ok() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }
    // Keeps the step next() returned last valid until keep() is called again.
    void keep() { m_keptPage = m_page; }

private:
    using Page = std::shared_ptr<const std::vector<Step>>;
    const Trajectory& m_trajectory;
    int m_next = 0;
    Page m_page;
    int m_pageFirst = 0;
    Page m_keptPage;
    QString m_error;
};

} // namespace trailmark::chains
