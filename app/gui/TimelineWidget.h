#pragma once

#include <QAbstractScrollArea>
#include <QStringList>

#include <vector>

namespace trailmark::gui {

class StepListModel;

// The session as swimlanes: one lane per shell and per application (and one for
// notes), time on the x axis. Errors are red, retried attempts carry a marker, the
// step that recovers is outlined in green. Click selects a step; Ctrl+wheel zooms
// around the cursor, the wheel scrolls.
//
// Painting only touches the steps in view (binary search on start time) and skips
// steps that would land on a pixel already drawn in their lane, so a session of a
// million events paints as fast as a short one.
class TimelineWidget final : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit TimelineWidget(StepListModel& model, QWidget* parent = nullptr);

    // Recomputes lanes and time range now (otherwise done shortly after model changes).
    void rebuildLanes();
    void setSelectedStep(int index);
    int selectedStep() const { return m_selected; }
    QStringList lanes() const { return m_lanes; }
    // Step under a viewport position, -1 when none (public for tests).
    int stepAt(const QPoint& position) const;
    // Where a step is drawn, in viewport coordinates (public for tests).
    QRect stepRect(int index) const;
    QSize sizeHint() const override;

Q_SIGNALS:
    void stepClicked(int index);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void updateScrollBars();
    double pixelsPerNs() const;
    qint64 tickIntervalNs() const;
    int xForTime(qint64 ns) const;
    qint64 timeForX(int x) const;
    void ensureVisible(int index);

    StepListModel& m_model;
    QStringList m_lanes;
    qint64 m_startNs = 0;
    qint64 m_endNs = 1;
    qint64 m_longestStepNs = 0;
    double m_zoom = 1.0; // 1.0: the whole session fits the width
    int m_selected = -1;
    bool m_rebuildPending = false;
};

} // namespace trailmark::gui
