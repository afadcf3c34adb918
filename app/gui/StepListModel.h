#pragma once

#include "chains/Step.h"
#include "chains/StepOutline.h"

#include <QAbstractTableModel>
#include <QStringList>

#include <deque>
#include <memory>
#include <unordered_map>
#include <vector>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::gui {

// A session's steps as a table: one row per step, fixed columns, then one column per
// reviewer with their latest rating and labels, so reviewers are seen side by side.
//
// Rows are outlines (chains::StepOutline): what the list, the timeline and the header
// need of every step, a few dozen bytes each. What a row says (the command, its
// output, its annotations) comes from the whole step, derived again from its own
// events a page at a time as the view asks for rows (chains::materializeSteps) and
// kept for the last pages used: a session of a million events takes the memory of its
// outlines, and scrolling anywhere reads a page.
//
// While a long session loads, the steps of its first events stand in (setFirstSteps);
// the outline replaces them (setOutline) without a reset, so the selection and scroll
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

    // Steps are derived again through store (the session's file, read only).
    explicit StepListModel(store::Store& store, QObject* parent = nullptr);

    void clear();
    // Session start, the zero of the Time column.
    void setStartNs(qint64 startNs);
    // The steps of the session's first events, whole, while the rest loads.
    void setFirstSteps(std::vector<chains::Step> steps);
    // The whole session, outlined: every row.
    void setOutline(std::unique_ptr<chains::TrajectoryOutline> outline);
    // Adds an annotation a reviewer just wrote to the step in row.
    void addAnnotation(int row, const v1::Annotation& annotation);
    // The stored events changed (a redaction): steps shown are derived again.
    void forgetDerivedSteps();

    // The step in row, whole; null when there is none, or when its events cannot be
    // read (lastError() says why). It stays valid while held.
    std::shared_ptr<const chains::Step> step(int row) const;
    int stepCount() const { return static_cast<int>(m_outlines->size()); }
    // Every row's outline, and the timeline lanes they refer to.
    const std::vector<chains::StepOutline>& outlines() const { return *m_outlines; }
    QStringList laneLabels() const { return m_laneLabels; }
    QStringList reviewers() const { return m_reviewers; }
    QString lastError() const { return m_lastError; }
    // Whole steps currently kept (for tests and benchmarks: bounded by the cache).
    int cachedStepCount() const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    using Page = std::shared_ptr<const std::vector<chains::Step>>;
    Page page(int pageIndex) const;
    void forgetPages();
    void noteReviewer(const v1::Annotation& annotation);
    void outlineFirstSteps();
    QString reviewerCell(const chains::Step& step, const QString& reviewer) const;

    store::Store& m_store;
    qint64 m_startNs = 0;
    // Before the outline: the first steps, whole, and their outlines.
    Page m_firstSteps;
    std::vector<chains::StepOutline> m_firstOutlines;
    std::unique_ptr<chains::TrajectoryOutline> m_outline;
    const std::vector<chains::StepOutline>* m_outlines = &m_firstOutlines;
    QStringList m_laneLabels;
    QStringList m_reviewers;
    // Annotations written while the session loaded, for the outline when it comes.
    QList<v1::Annotation> m_annotatedWhileLoading;
    // Pages of whole steps, most recently used last.
    mutable std::unordered_map<int, Page> m_pages;
    mutable std::deque<int> m_pageOrder;
    mutable QString m_lastError;
};

// Text for a rating: "+1", "0", "-1".
QString ratingText(int rating);

} // namespace trailmark::gui
