#include "chains/Step.h"

#include "chains/StepMaterializer.h"
#include "chains/StepOutline.h"
#include "chains/families/DerivingFacet.h"
#include "chains/families/ExportingFacet.h"
#include "store/Vocabulary.h"

#include <algorithm>
#include <array>
#include <utility>

namespace trailmark::chains {
namespace {

constexpr std::array<std::pair<StepOutcome, const char*>, 6> kOutcomes{{
    {StepOutcome::Ok, "ok"},
    {StepOutcome::Error, "error"},
    {StepOutcome::NoResult, "no-result"},
    {StepOutcome::Stopped, "stopped"},
    {StepOutcome::Interrupted, "interrupted"},
    {StepOutcome::Unknown, "unknown"},
}};

} // namespace

const char* nameOf(StepOutcome outcome)
{
    for (const auto& [value, name] : kOutcomes) {
        if (value == outcome)
            return name;
    }
    return "";
}

QString toString(StepOutcome outcome)
{
    return QString::fromLatin1(nameOf(outcome));
}

std::optional<StepOutcome> parseOutcome(const QString& name)
{
    for (const auto& [value, text] : kOutcomes) {
        if (name == QLatin1String(text))
            return value;
    }
    return std::nullopt;
}

QStringList correctableOutcomeNames()
{
    QStringList names;
    for (const auto& [value, text] : kOutcomes) {
        if (value != StepOutcome::Unknown)
            names.append(QString::fromLatin1(text));
    }
    return names;
}

Step::Step(const Step& other)
    : index(other.index)
    , family(other.family)
    , outcome(other.outcome)
    , errorReasons(other.errorReasons)
    , outcomeReason(other.outcomeReason)
    , derivedOutcome(other.derivedOutcome)
    , outcomeCorrectedBy(other.outcomeCorrectedBy)
    , startNs(other.startNs)
    , endNs(other.endNs)
    , durationNs(other.durationNs)
    , firstSeq(other.firstSeq)
    , eventIds(other.eventIds)
    , screenshots(other.screenshots)
    , thought(other.thought)
    , thoughtSource(other.thoughtSource)
    , attempt(other.attempt)
    , retryOf(other.retryOf)
    , retriedBy(other.retriedBy)
    , recovers(other.recovers)
    , fixSteps(other.fixSteps)
    , annotations(other.annotations)
    , detail(other.detail ? other.detail->clone() : nullptr)
    , effectsFamily(other.effectsFamily)
    , effects(other.effects ? other.effects->clone() : nullptr)
{}

Step& Step::operator=(const Step& other)
{
    if (this != &other) {
        Step copy(other);
        *this = std::move(copy);
    }
    return *this;
}

bool Step::changesFiles() const
{
    return effects || (family && families::deriving(*family).changesFiles());
}

std::string_view Step::tool() const
{
    return family ? families::deriving(*family).name() : std::string_view();
}

QString Step::toolText() const
{
    const std::string_view name = tool();
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

bool Step::isAction() const
{
    return family && families::deriving(*family).isAction();
}

bool Step::hasAttempts() const
{
    return family && families::deriving(*family).hasAttempts();
}

QString Step::actionText() const
{
    return family ? families::exporting(*this).actionText(*this) : QString();
}

QString Step::observationText() const
{
    return family ? families::exporting(*this).observationText(*this) : QString();
}

std::string Step::observationUtf8() const
{
    return family ? families::exporting(*this).observationUtf8(*this) : std::string();
}

std::optional<int> Step::rating() const
{
    for (auto it = annotations.crbegin(); it != annotations.crend(); ++it) {
        if (it->has_rating())
            return it->rating();
    }
    return std::nullopt;
}

QStringList Step::labels() const
{
    QStringList result;
    if (annotations.empty()) // most steps: no sort, no duplicate tracker
        return result;
    for (const auto& annotation : annotations) {
        for (const auto& label : annotation.labels())
            result.append(QString::fromStdString(label));
    }
    result.sort();
    result.removeDuplicates();
    return result;
}

v1::Annotation::Verdict Trajectory::verdict() const
{
    return store::vocabulary::latestVerdict(sessionAnnotations);
}

namespace {

// Counts steps (or, outlined, their outlines) that match.
template <typename Predicate> int countSteps(const Trajectory& trajectory, Predicate matches)
{
    if (trajectory.outline)
        return static_cast<int>(std::count_if(trajectory.outline->steps.begin(), trajectory.outline->steps.end(),
                                              [&matches](const StepOutline& s) { return matches(s); }));
    return static_cast<int>(std::count_if(trajectory.steps.begin(), trajectory.steps.end(),
                                          [&matches](const Step& s) { return matches(s); }));
}

} // namespace

int Trajectory::stepCount() const
{
    return static_cast<int>(outline ? outline->steps.size() : steps.size());
}

int Trajectory::errorCount() const
{
    return countSteps(*this, [](const auto& s) { return s.outcome == StepOutcome::Error; });
}

int Trajectory::retryCount() const
{
    return countSteps(*this, [](const auto& s) { return s.retryOf >= 0; });
}

int Trajectory::recoveryCount() const
{
    return countSteps(*this, [](const auto& s) { return s.recovers >= 0; });
}

StepCursor::StepCursor(const Trajectory& trajectory)
    : m_trajectory(trajectory)
{}

StepCursor::~StepCursor() = default;

const Step* StepCursor::next()
{
    if (!ok())
        return nullptr;
    const int index = m_next;
    if (!m_trajectory.outline) {
        if (index >= static_cast<int>(m_trajectory.steps.size()))
            return nullptr;
        ++m_next;
        return &m_trajectory.steps[static_cast<size_t>(index)];
    }
    const TrajectoryOutline& outline = *m_trajectory.outline;
    const int total = static_cast<int>(outline.steps.size());
    if (index >= total)
        return nullptr;
    if (!m_page || index >= m_pageFirst + static_cast<int>(m_page->size())) {
        // A page of steps derived again; the page of a kept step stays too.
        constexpr int kPageSize = 512;
        auto steps =
            materializeSteps(*m_trajectory.pagesFrom, outline, index, std::min(kPageSize, total - index), &m_error);
        if (!steps)
            return nullptr;
        m_page = std::make_shared<const std::vector<Step>>(std::move(*steps));
        m_pageFirst = index;
    }
    ++m_next;
    return &(*m_page)[static_cast<size_t>(index - m_pageFirst)];
}

} // namespace trailmark::chains
