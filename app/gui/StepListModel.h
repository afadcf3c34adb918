#pragma once

#include "chains/Step.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <memory>
#include <vector>

namespace trailmark::gui {

// A session's steps as a table: one row per step, fixed columns, then one column per
// reviewer with their latest rating and labels, so reviewers are seen side by side.
//
// Rows arrive in pieces while a long session loads (appendSteps), then the complete
// trajectory replaces them (setSteps) without a reset, so the selection and scroll
// position survive the end of loading.
class StepListModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        IndexColumn,
        TimeColumn,
        ToolColumn,
        ActionColumn,
        OutcomeColumn,
        MarksColumn,
        FixedColumnCount
    };
    enum Role
    {
        StepIndexRole = Qt::UserRole + 1,
        IsErrorRole,
    };

    explicit StepListModel(QObject* parent = nullptr);

    void clear();
    // Session start, the zero of the Time column.
    void setStartNs(qint64 startNs);
    // Steps [firstIndex, firstIndex + steps.size()) as known so far; rows already
    // present are updated, new ones appended.
    void appendSteps(int firstIndex, std::vector<chains::Step> steps);
    // The final steps: updates every row and appends the rest.
    void setSteps(std::vector<chains::Step> steps);
    // Adds an annotation a reviewer just wrote to the step in row.
    void addAnnotation(int row, const v1::Annotation& annotation);

    const chains::Step* step(int row) const;
    int stepCount() const { return static_cast<int>(m_steps.size()); }
    const std::vector<chains::Step>& steps() const { return m_steps; }
    QStringList reviewers() const { return m_reviewers; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void noteReviewers(const chains::Step& step);
    QString reviewerCell(const chains::Step& step, const QString& reviewer) const;

    std::vector<chains::Step> m_steps;
    QStringList m_reviewers;
    qint64 m_startNs = 0;
};

// Text for a rating: "+1", "0", "-1".
QString ratingText(int rating);

} // namespace trailmark::gui
