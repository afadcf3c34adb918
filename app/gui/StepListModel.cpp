#include "gui/StepListModel.h"

#include "chains/Review.h"
#include "chains/StepMaterializer.h"
#include "chains/families/PresentingFacet.h"

#include <QBrush>
#include <QColor>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace trailmark::gui {
namespace {

// Steps derived again at a time: about two screens of rows.
constexpr int kPageSize = 64;
// Pages kept: what was in view lately, so scrolling back reads nothing.
constexpr size_t kPagesKept = 32;

} // namespace

QString ratingText(int rating)
{
    return rating > 0 ? QStringLiteral("+%1").arg(rating) : QString::number(rating);
}

StepListModel::StepListModel(store::Store& store, QObject* parent)
    : QAbstractTableModel(parent)
    , m_store(store)
{}

void StepListModel::clear()
{
    beginResetModel();
    m_firstSteps.reset();
    m_firstOutlines.clear();
    m_outline.reset();
    m_outlines = &m_firstOutlines;
    m_laneLabels.clear();
    m_reviewers.clear();
    m_annotatedWhileLoading.clear();
    m_lastError.clear();
    forgetPages();
    endResetModel();
}

void StepListModel::setStartNs(qint64 startNs)
{
    m_startNs = startNs;
}

void StepListModel::forgetPages()
{
    m_pages.clear();
    m_pageOrder.clear();
}

void StepListModel::forgetDerivedSteps()
{
    forgetPages();
    if (stepCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(stepCount() - 1, columnCount() - 1));
}

int StepListModel::cachedStepCount() const
{
    int count = m_firstSteps && !m_outline ? static_cast<int>(m_firstSteps->size()) : 0;
    for (const auto& [index, page] : m_pages)
        count += static_cast<int>(page->size());
    return count;
}

void StepListModel::noteReviewer(const v1::Annotation& annotation)
{
    const QString reviewer = QString::fromStdString(annotation.reviewer());
    if (annotation.target_id() == annotation.session_id() || reviewer.isEmpty() || m_reviewers.contains(reviewer))
        return;
    const int column = FixedColumnCount + static_cast<int>(m_reviewers.size());
    beginInsertColumns({}, column, column);
    m_reviewers.append(reviewer);
    endInsertColumns();
}

void StepListModel::setFirstSteps(std::vector<chains::Step> steps)
{
    if (m_outline || steps.empty())
        return;
    const int before = stepCount();
    m_firstSteps = std::make_shared<const std::vector<chains::Step>>(std::move(steps));
    m_firstOutlines.clear();
    m_laneLabels.clear();
    QStringList laneKeys;
    for (const chains::Step& step : *m_firstSteps) {
        chains::StepOutline outline = chains::outlineOf(step);
        const chains::TimelineLane lane = chains::families::presenting(step).lane(step);
        outline.lane = static_cast<int>(laneKeys.indexOf(lane.key));
        if (outline.lane < 0) {
            outline.lane = static_cast<int>(laneKeys.size());
            laneKeys.append(lane.key);
            m_laneLabels.append(lane.label);
        }
        m_firstOutlines.push_back(outline);
        for (const auto& annotation : step.annotations)
            noteReviewer(annotation);
    }
    if (before > 0)
        Q_EMIT dataChanged(index(0, 0), index(std::min(before, stepCount()) - 1, columnCount() - 1));
    if (stepCount() > before) {
        beginInsertRows({}, before, stepCount() - 1);
        endInsertRows();
    }
}

void StepListModel::setOutline(std::unique_ptr<chains::TrajectoryOutline> outline)
{
    if (!outline)
        return;
    const int before = stepCount();
    if (static_cast<int>(outline->steps.size()) < before) {
        // Fewer steps than shown (the file changed under us): start over.
        beginResetModel();
        m_firstSteps.reset();
        m_firstOutlines.clear();
        m_reviewers.clear();
        m_outline = std::move(outline);
        m_outlines = &m_outline->steps;
        endResetModel();
    } else {
        m_outline = std::move(outline);
        m_outlines = &m_outline->steps;
        m_firstSteps.reset();
        m_firstOutlines.clear();
    }
    forgetPages();
    m_laneLabels = m_outline->laneLabels;
    // What a reviewer wrote while the session loaded is not in what was read.
    for (const auto& annotation : std::exchange(m_annotatedWhileLoading, {})) {
        const bool known = std::any_of(m_outline->annotations.cbegin(), m_outline->annotations.cend(),
                                       [&annotation](const auto& read) { return read.id() == annotation.id(); });
        if (!known)
            m_outline->annotations.append(annotation);
    }
    for (const auto& annotation : m_outline->annotations)
        noteReviewer(annotation);
    const int shown = std::min(before, stepCount());
    if (shown > 0)
        Q_EMIT dataChanged(index(0, 0), index(shown - 1, columnCount() - 1));
    if (stepCount() > shown) {
        beginInsertRows({}, shown, stepCount() - 1);
        endInsertRows();
    }
}

void StepListModel::addAnnotation(int row, const v1::Annotation& annotation)
{
    if (row < 0 || row >= stepCount())
        return;
    if (!m_outline) {
        // Still loading: the first steps stand in until the outline comes.
        m_annotatedWhileLoading.append(annotation);
        auto steps = std::make_shared<std::vector<chains::Step>>(*m_firstSteps);
        chains::Step& step = (*steps)[static_cast<size_t>(row)];
        step.annotations.append(annotation);
        chains::review::applyOutcomeCorrection(step, annotation);
        if (step.isAction() &&
            (step.thought.isEmpty() || step.thoughtSource == QLatin1String(chains::kThoughtFromReviewer)) &&
            !annotation.rationale().empty()) {
            step.thought = QString::fromStdString(annotation.rationale());
            step.thoughtSource = QLatin1String(chains::kThoughtFromReviewer);
        }
        m_firstOutlines[static_cast<size_t>(row)].outcome = step.outcome;
        m_firstOutlines[static_cast<size_t>(row)].hasThought = !step.thought.isEmpty();
        m_firstSteps = std::move(steps);
    } else {
        m_outline->annotations.append(annotation);
        chains::StepOutline& outline = m_outline->steps[static_cast<size_t>(row)];
        chains::review::applyOutcomeCorrection(outline, annotation);
        outline.hasThought = outline.hasThought || (outline.isAction && !annotation.rationale().empty());
        // The row is derived again with it.
        const int pageIndex = row / kPageSize;
        m_pages.erase(pageIndex);
        m_pageOrder.erase(std::remove(m_pageOrder.begin(), m_pageOrder.end(), pageIndex), m_pageOrder.end());
    }
    noteReviewer(annotation);
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

StepListModel::Page StepListModel::page(int pageIndex) const
{
    const auto found = m_pages.find(pageIndex);
    if (found != m_pages.end()) {
        if (m_pageOrder.back() != pageIndex) {
            m_pageOrder.erase(std::find(m_pageOrder.begin(), m_pageOrder.end(), pageIndex));
            m_pageOrder.push_back(pageIndex);
        }
        return found->second;
    }
    const int first = pageIndex * kPageSize;
    const int count = std::min(kPageSize, stepCount() - first);
    QString error;
    auto steps = chains::materializeSteps(m_store, *m_outline, first, count, &error);
    if (!steps) {
        if (error != m_lastError)
            spdlog::error("review: {}", error.toStdString());
        m_lastError = error;
        return nullptr;
    }
    Page derived = std::make_shared<const std::vector<chains::Step>>(std::move(*steps));
    m_pages.emplace(pageIndex, derived);
    m_pageOrder.push_back(pageIndex);
    while (m_pageOrder.size() > kPagesKept) {
        m_pages.erase(m_pageOrder.front());
        m_pageOrder.pop_front();
    }
    return derived;
}

std::shared_ptr<const chains::Step> StepListModel::step(int row) const
{
    if (row < 0 || row >= stepCount())
        return nullptr;
    if (!m_outline)
        return {m_firstSteps, &(*m_firstSteps)[static_cast<size_t>(row)]};
    const Page steps = page(row / kPageSize);
    if (!steps)
        return nullptr;
    return {steps, &(*steps)[static_cast<size_t>(row % kPageSize)]};
}

int StepListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : stepCount();
}

int StepListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FixedColumnCount + static_cast<int>(m_reviewers.size());
}

QString StepListModel::reviewerCell(const chains::Step& step, const QString& reviewer) const
{
    // The reviewer's latest rating, and every label they gave.
    QString rating;
    QStringList labels;
    for (const auto& annotation : step.annotations) {
        if (QString::fromStdString(annotation.reviewer()) != reviewer)
            continue;
        if (annotation.has_rating())
            rating = ratingText(annotation.rating());
        for (const auto& label : annotation.labels()) {
            const QString text = QString::fromStdString(label);
            if (!labels.contains(text))
                labels.append(text);
        }
    }
    if (labels.isEmpty())
        return rating;
    return rating.isEmpty() ? labels.join(QStringLiteral(", "))
                            : rating + QStringLiteral("  ") + labels.join(QStringLiteral(", "));
}

namespace {

// Why the step has its outcome: the derived reasons, and who corrected it from what.
QVariant outcomeTip(const chains::Step& step)
{
    QStringList lines = step.errorReasons;
    if (!step.outcomeReason.isEmpty())
        lines.append(step.outcomeReason);
    if (step.derivedOutcome)
        lines.append(StepListModel::tr("corrected by %1; derived: %2")
                         .arg(step.outcomeCorrectedBy, chains::toString(*step.derivedOutcome)));
    return lines.isEmpty() ? QVariant() : QVariant(lines.join(QLatin1Char('\n')));
}

} // namespace

QVariant StepListModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    // What the outline knows is answered without deriving the step.
    const chains::StepOutline& outline = (*m_outlines)[static_cast<size_t>(index.row())];
    switch (role) {
    case StepIndexRole:
        return outline.index;
    case IsErrorRole:
        return outline.outcome == chains::StepOutcome::Error;
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn && outline.outcome == chains::StepOutcome::Error)
            return QBrush(QColor(0xc0, 0x39, 0x2b));
        if (!outline.isAction)
            return QBrush(QColor(0x2e, 0x6d, 0xa4));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IndexColumn || index.column() == TimeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }

    switch (index.column()) {
    case IndexColumn:
        return role == Qt::DisplayRole ? QVariant(outline.index) : QVariant();
    case TimeColumn: {
        if (role != Qt::DisplayRole)
            return {};
        const qint64 seconds = std::max<qint64>(0, (outline.startNs - m_startNs) / 1'000'000'000);
        if (seconds >= 3600)
            return QStringLiteral("%1:%2:%3")
                .arg(seconds / 3600)
                .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
                .arg(seconds % 60, 2, 10, QLatin1Char('0'));
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }
    case MarksColumn: {
        if (role != Qt::DisplayRole)
            return {};
        QStringList marks;
        if (outline.retryOf >= 0)
            marks.append(tr("retry %1 of #%2").arg(outline.attempt).arg(outline.retryOf));
        if (outline.recovers >= 0)
            marks.append(tr("recovers #%1").arg(outline.recovers));
        if (outline.retriedBy >= 0)
            marks.append(tr("retried by #%1").arg(outline.retriedBy));
        if (outline.hasThought && outline.isAction)
            marks.append(tr("thought"));
        return marks.join(QStringLiteral(" · "));
    }
    default:
        break;
    }

    const auto step = this->step(index.row());
    if (!step)
        return index.column() == ActionColumn && role == Qt::DisplayRole ? tr("(cannot read: %1)").arg(m_lastError)
                                                                         : QVariant();
    if (role == Qt::ToolTipRole) {
        if (index.column() == OutcomeColumn)
            return outcomeTip(*step);
        if (index.column() == ActionColumn)
            return step->actionText().left(2000);
        return {};
    }
    switch (index.column()) {
    case ToolColumn:
        return chains::families::presenting(*step).toolLabel(*step);
    case ActionColumn: {
        QString text = step->actionText();
        text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
        return text.left(300);
    }
    case OutcomeColumn:
        return chains::families::presenting(*step).outcomeLabel(*step);
    default: {
        const int reviewer = index.column() - FixedColumnCount;
        return reviewer < m_reviewers.size() ? reviewerCell(*step, m_reviewers.at(reviewer)) : QString();
    }
    }
}

QVariant StepListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IndexColumn:
        return tr("#");
    case TimeColumn:
        return tr("Time");
    case ToolColumn:
        return tr("Tool");
    case ActionColumn:
        return tr("Action");
    case OutcomeColumn:
        return tr("Outcome");
    case MarksColumn:
        return tr("Marks");
    default: {
        const int reviewer = section - FixedColumnCount;
        return reviewer >= 0 && reviewer < m_reviewers.size() ? m_reviewers.at(reviewer) : QVariant();
    }
    }
}

} // namespace trailmark::gui
