#include "gui/StepListModel.h"

#include "chains/Review.h"
#include "chains/families/EventFamily.h"

#include <QBrush>
#include <QColor>

namespace trailmark::gui {

QString ratingText(int rating)
{
    return rating > 0 ? QStringLiteral("+%1").arg(rating) : QString::number(rating);
}

StepListModel::StepListModel(QObject* parent)
    : QAbstractTableModel(parent)
{}

void StepListModel::clear()
{
    beginResetModel();
    m_steps.clear();
    m_reviewers.clear();
    endResetModel();
}

void StepListModel::setStartNs(qint64 startNs)
{
    m_startNs = startNs;
}

void StepListModel::noteReviewers(const chains::Step& step)
{
    for (const auto& annotation : step.annotations) {
        const QString reviewer = QString::fromStdString(annotation.reviewer());
        if (reviewer.isEmpty() || m_reviewers.contains(reviewer))
            continue;
        const int column = FixedColumnCount + static_cast<int>(m_reviewers.size());
        beginInsertColumns({}, column, column);
        m_reviewers.append(reviewer);
        endInsertColumns();
    }
}

void StepListModel::appendSteps(int firstIndex, std::vector<chains::Step> steps)
{
    if (steps.empty() || firstIndex < 0 || firstIndex > stepCount())
        return;
    const int updatedEnd = std::min(stepCount(), firstIndex + static_cast<int>(steps.size()));
    for (int i = firstIndex; i < updatedEnd; ++i)
        m_steps[static_cast<size_t>(i)] = std::move(steps[static_cast<size_t>(i - firstIndex)]);
    if (updatedEnd > firstIndex)
        Q_EMIT dataChanged(index(firstIndex, 0), index(updatedEnd - 1, columnCount() - 1));
    const int appended = firstIndex + static_cast<int>(steps.size()) - updatedEnd;
    if (appended > 0) {
        beginInsertRows({}, updatedEnd, updatedEnd + appended - 1);
        for (size_t i = static_cast<size_t>(updatedEnd - firstIndex); i < steps.size(); ++i)
            m_steps.push_back(std::move(steps[i]));
        endInsertRows();
    }
    for (int i = firstIndex; i < stepCount(); ++i)
        noteReviewers(m_steps[static_cast<size_t>(i)]);
}

void StepListModel::setSteps(std::vector<chains::Step> steps)
{
    if (static_cast<int>(steps.size()) < stepCount()) {
        // Fewer steps than shown (cannot happen while loading only grows): start over.
        beginResetModel();
        m_steps = std::move(steps);
        m_reviewers.clear();
        endResetModel();
        for (const auto& step : m_steps)
            noteReviewers(step);
        return;
    }
    appendSteps(0, std::move(steps));
}

void StepListModel::addAnnotation(int row, const v1::Annotation& annotation)
{
    if (row < 0 || row >= stepCount())
        return;
    chains::Step& step = m_steps[static_cast<size_t>(row)];
    step.annotations.append(annotation);
    chains::review::applyOutcomeCorrection(step, annotation);
    if (step.thought.isEmpty() || step.thoughtSource == QLatin1String("reviewer")) {
        if (!annotation.rationale().empty()) {
            step.thought = QString::fromStdString(annotation.rationale());
            step.thoughtSource = QStringLiteral("reviewer");
        }
    }
    noteReviewers(step);
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
}

const chains::Step* StepListModel::step(int row) const
{
    return row >= 0 && row < stepCount() ? &m_steps[static_cast<size_t>(row)] : nullptr;
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
    const chains::Step& step = m_steps[static_cast<size_t>(index.row())];
    switch (role) {
    case StepIndexRole:
        return step.index;
    case IsErrorRole:
        return step.outcome == chains::StepOutcome::Error;
    case Qt::ForegroundRole:
        if (index.column() == OutcomeColumn && step.outcome == chains::StepOutcome::Error)
            return QBrush(QColor(0xc0, 0x39, 0x2b));
        if (!step.isAction())
            return QBrush(QColor(0x2e, 0x6d, 0xa4));
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() == IndexColumn || index.column() == TimeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole:
        if (index.column() == OutcomeColumn)
            return outcomeTip(step);
        if (index.column() == ActionColumn)
            return step.actionText().left(2000);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }

    switch (index.column()) {
    case IndexColumn:
        return step.index;
    case TimeColumn: {
        const qint64 seconds = std::max<qint64>(0, (step.startNs - m_startNs) / 1'000'000'000);
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }
    case ToolColumn:
        return step.family->toolLabel(step);
    case ActionColumn: {
        QString text = step.actionText();
        text.replace(QLatin1Char('\n'), QStringLiteral(" ⏎ "));
        return text.left(300);
    }
    case OutcomeColumn:
        return step.family->outcomeLabel(step);
    case MarksColumn: {
        QStringList marks;
        if (step.retryOf >= 0)
            marks.append(tr("retry %1 of #%2").arg(step.attempt).arg(step.retryOf));
        if (step.recovers >= 0)
            marks.append(tr("recovers #%1").arg(step.recovers));
        if (step.retriedBy >= 0)
            marks.append(tr("retried by #%1").arg(step.retriedBy));
        if (!step.thought.isEmpty() && step.isAction())
            marks.append(tr("thought"));
        return marks.join(QStringLiteral(" · "));
    }
    default: {
        const int reviewer = index.column() - FixedColumnCount;
        return reviewer < m_reviewers.size() ? reviewerCell(step, m_reviewers.at(reviewer)) : QString();
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
