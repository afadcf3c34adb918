#include "gui/TimelineWidget.h"

#include "chains/families/PresentingFacet.h"
#include "gui/StepListModel.h"

#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace trailmark::gui {
namespace {

constexpr int kLabelWidth = 150;
constexpr int kHeaderHeight = 18;
constexpr int kLaneHeight = 22;
constexpr int kMinStepWidth = 3;
constexpr double kMaxZoom = 1e6;

QColor stepColor(const chains::StepOutline& step)
{
    if (step.outcome == chains::StepOutcome::Error)
        return {0xc0, 0x39, 0x2b};
    return QColor::fromRgb(chains::families::presenting(*step.family).color(step.outcome));
}

QString durationLabel(qint64 ns)
{
    const qint64 seconds = ns / 1'000'000'000;
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1:%2").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2:%3")
        .arg(seconds / 3600)
        .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
        .arg(seconds % 60, 2, 10, QLatin1Char('0'));
}

} // namespace

TimelineWidget::TimelineWidget(StepListModel& model, QWidget* parent)
    : QAbstractScrollArea(parent)
    , m_model(model)
{
    setObjectName(QStringLiteral("timeline"));
    setMouseTracking(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOn);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    // Coalesce the many small model updates of a loading session into one rebuild.
    const auto scheduleRebuild = [this] {
        if (m_rebuildPending)
            return;
        m_rebuildPending = true;
        QTimer::singleShot(50, this, [this] {
            m_rebuildPending = false;
            rebuildLanes();
        });
    };
    connect(&m_model, &QAbstractItemModel::rowsInserted, this, scheduleRebuild);
    connect(&m_model, &QAbstractItemModel::dataChanged, this, scheduleRebuild);
    connect(&m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_selected = -1;
        m_zoom = 1.0;
        rebuildLanes();
    });
    rebuildLanes();
}

QSize TimelineWidget::sizeHint() const
{
    const int lanes = std::clamp(static_cast<int>(m_lanes.size()), 2, 6);
    return {800, kHeaderHeight + lanes * kLaneHeight + horizontalScrollBar()->sizeHint().height() + 4};
}

void TimelineWidget::rebuildLanes()
{
    const auto& steps = m_model.outlines();
    m_lanes = m_model.laneLabels();
    m_longestStepNs = 0;
    if (steps.empty()) {
        m_startNs = 0;
        m_endNs = 1;
    } else {
        m_startNs = steps.front().startNs;
        m_endNs = m_startNs + 1;
    }
    for (const chains::StepOutline& step : steps) {
        m_startNs = std::min(m_startNs, step.startNs);
        m_endNs = std::max({m_endNs, step.endNs, step.startNs + 1});
        m_longestStepNs = std::max(m_longestStepNs, step.endNs - step.startNs);
    }
    // Room for up to six lanes without scrolling; more scroll vertically.
    const int visibleLanes = std::clamp(static_cast<int>(m_lanes.size()), 2, 6);
    setMinimumHeight(kHeaderHeight + visibleLanes * kLaneHeight + horizontalScrollBar()->sizeHint().height() +
                     2 * frameWidth());
    updateScrollBars();
    updateGeometry();
    viewport()->update();
}

qint64 TimelineWidget::tickIntervalNs() const
{
    // About one tick per 120 px, rounded to an interval people read at a glance.
    static constexpr qint64 kHourNs = 3'600'000'000'000LL;
    static constexpr qint64 kIntervals[] = {1'000'000'000LL,  5'000'000'000LL,   10'000'000'000LL,  30'000'000'000LL,
                                            60'000'000'000LL, 300'000'000'000LL, 600'000'000'000LL, 1'800'000'000'000LL,
                                            kHourNs,          6 * kHourNs,       12 * kHourNs,      24 * kHourNs};
    for (qint64 interval : kIntervals)
        if (static_cast<double>(interval) * pixelsPerNs() >= 120)
            return interval;
    // Sessions of weeks (imported histories): whole days.
    constexpr qint64 kDayNs = 24 * kHourNs;
    const auto days = static_cast<qint64>(std::ceil(120 / pixelsPerNs() / static_cast<double>(kDayNs)));
    return std::max<qint64>(1, days) * kDayNs;
}

double TimelineWidget::pixelsPerNs() const
{
    const int width = std::max(1, viewport()->width() - kLabelWidth - 8);
    return m_zoom * width / static_cast<double>(std::max<qint64>(1, m_endNs - m_startNs));
}

int TimelineWidget::xForTime(qint64 ns) const
{
    return kLabelWidth + static_cast<int>(std::lround(static_cast<double>(ns - m_startNs) * pixelsPerNs())) -
           horizontalScrollBar()->value();
}

qint64 TimelineWidget::timeForX(int x) const
{
    return m_startNs + static_cast<qint64>((x - kLabelWidth + horizontalScrollBar()->value()) / pixelsPerNs());
}

void TimelineWidget::updateScrollBars()
{
    const int width = std::max(1, viewport()->width() - kLabelWidth - 8);
    const int total = static_cast<int>(std::min<double>(width * m_zoom, 2e9));
    horizontalScrollBar()->setRange(0, std::max(0, total - width));
    horizontalScrollBar()->setPageStep(width);
    horizontalScrollBar()->setSingleStep(std::max(1, width / 20));
    const int contentHeight = kHeaderHeight + static_cast<int>(m_lanes.size()) * kLaneHeight;
    verticalScrollBar()->setRange(0, std::max(0, contentHeight - viewport()->height()));
    verticalScrollBar()->setPageStep(viewport()->height());
}

QRect TimelineWidget::stepRect(int index) const
{
    const auto& steps = m_model.outlines();
    if (index < 0 || static_cast<size_t>(index) >= steps.size())
        return {};
    const chains::StepOutline& step = steps[static_cast<size_t>(index)];
    const int left = xForTime(step.startNs);
    const int right = std::max(left + kMinStepWidth, xForTime(step.endNs));
    const int top = kHeaderHeight + step.lane * kLaneHeight + 4 - verticalScrollBar()->value();
    return {left, top, right - left, kLaneHeight - 8};
}

void TimelineWidget::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    const QPalette& colors = palette();
    const int width = viewport()->width();
    const int scrollY = verticalScrollBar()->value();

    // Lanes.
    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        const int top = kHeaderHeight + lane * kLaneHeight - scrollY;
        if (lane % 2 == 1)
            painter.fillRect(0, top, width, kLaneHeight, colors.alternateBase());
    }

    const auto& steps = m_model.outlines();
    if (steps.empty() || m_lanes.isEmpty()) {
        painter.setPen(colors.color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter, tr("No steps to show"));
        return;
    }

    // Grid lines of the time axis.
    const qint64 tick = tickIntervalNs();
    const qint64 firstTick = m_startNs + (std::max<qint64>(0, timeForX(kLabelWidth) - m_startNs) / tick) * tick;
    painter.setPen(colors.color(QPalette::Midlight));
    for (qint64 t = firstTick; t <= timeForX(width); t += tick)
        painter.drawLine(xForTime(t), kHeaderHeight, xForTime(t), viewport()->height());

    // Steps in view: steps are in time order, so binary-search the first one that
    // could reach the left edge.
    const qint64 leftNs = timeForX(kLabelWidth) - m_longestStepNs;
    const qint64 rightNs = timeForX(width);
    auto first = std::lower_bound(steps.begin(), steps.end(), leftNs,
                                  [](const chains::StepOutline& step, qint64 ns) { return step.startNs < ns; });
    std::vector<int> lastPixel(static_cast<size_t>(m_lanes.size()), -1000);
    painter.setRenderHint(QPainter::Antialiasing, false);
    for (auto it = first; it != steps.end() && it->startNs <= rightNs; ++it) {
        const int index = static_cast<int>(it - steps.begin());
        const QRect rect = stepRect(index);
        if (rect.right() < kLabelWidth)
            continue;
        const size_t lane = static_cast<size_t>(it->lane);
        if (lane >= lastPixel.size())
            continue; // lanes not rebuilt yet
        const bool special = it->outcome == chains::StepOutcome::Error || it->retryOf >= 0 || index == m_selected;
        if (!special && rect.width() <= kMinStepWidth && rect.left() <= lastPixel[lane])
            continue; // another step already covers this pixel
        lastPixel[lane] = rect.right();
        painter.fillRect(rect, stepColor(*it));
        if (it->retryOf >= 0) {
            // A small notch on top: this is attempt N of an earlier failure.
            painter.setBrush(QColor(0xe6, 0x7e, 0x22));
            painter.setPen(Qt::NoPen);
            const QPoint top(rect.left(), rect.top() - 1);
            const QPoint points[] = {top, top + QPoint(6, 0), top + QPoint(0, 6)};
            painter.drawPolygon(points, 3);
        }
        if (it->recovers >= 0) {
            painter.setPen(QPen(QColor(0x27, 0xae, 0x60), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(rect.adjusted(-1, -1, 1, 1));
        }
        if (index == m_selected) {
            painter.setPen(QPen(colors.color(QPalette::Highlight), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRect(rect.adjusted(-2, -2, 2, 2));
        }
    }

    // The time axis stays on top while lanes scroll under it.
    painter.fillRect(0, 0, width, kHeaderHeight, colors.window());
    painter.setPen(colors.color(QPalette::Text));
    for (qint64 t = firstTick; t <= timeForX(width); t += tick)
        painter.drawText(xForTime(t) + 3, 13, durationLabel(t - m_startNs));

    // Lane names over a solid column so steps scroll underneath.
    painter.fillRect(0, 0, kLabelWidth, viewport()->height(), colors.window());
    painter.setPen(colors.color(QPalette::WindowText));
    for (int lane = 0; lane < m_lanes.size(); ++lane) {
        const QRect label(6, kHeaderHeight + lane * kLaneHeight - scrollY, kLabelWidth - 10, kLaneHeight);
        painter.drawText(label, Qt::AlignVCenter | Qt::AlignLeft,
                         painter.fontMetrics().elidedText(m_lanes.at(lane), Qt::ElideMiddle, label.width()));
    }
}

int TimelineWidget::stepAt(const QPoint& position) const
{
    const auto& steps = m_model.outlines();
    if (steps.empty() || position.x() < kLabelWidth)
        return -1;
    const int lane = (position.y() + verticalScrollBar()->value() - kHeaderHeight) / kLaneHeight;
    if (lane < 0 || lane >= m_lanes.size())
        return -1;
    const qint64 slackNs = static_cast<qint64>(4 / pixelsPerNs());
    const qint64 atNs = timeForX(position.x());
    auto it = std::lower_bound(steps.begin(), steps.end(), atNs - m_longestStepNs - slackNs,
                               [](const chains::StepOutline& step, qint64 ns) { return step.startNs < ns; });
    int best = -1;
    qint64 bestDistance = slackNs + 1;
    for (; it != steps.end() && it->startNs <= atNs + slackNs; ++it) {
        const int index = static_cast<int>(it - steps.begin());
        if (it->lane != lane)
            continue;
        const qint64 end = std::max(it->endNs, it->startNs + static_cast<qint64>(kMinStepWidth / pixelsPerNs()));
        const qint64 distance = atNs < it->startNs ? it->startNs - atNs : (atNs > end ? atNs - end : 0);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = index;
        }
    }
    return best;
}

void TimelineWidget::mousePressEvent(QMouseEvent* event)
{
    const int index = stepAt(event->position().toPoint());
    if (index >= 0) {
        setSelectedStep(index);
        Q_EMIT stepClicked(index);
    }
}

void TimelineWidget::wheelEvent(QWheelEvent* event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    // Zoom around the cursor: the time under it stays under it.
    const int x = static_cast<int>(event->position().x());
    const qint64 anchorNs = timeForX(x);
    const double factor = event->angleDelta().y() > 0 ? 1.25 : 0.8;
    m_zoom = std::clamp(m_zoom * factor, 1.0, kMaxZoom);
    updateScrollBars();
    const int anchorNow = xForTime(anchorNs);
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() + anchorNow - x);
    viewport()->update();
    event->accept();
}

void TimelineWidget::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void TimelineWidget::scrollContentsBy(int, int)
{
    viewport()->update();
}

void TimelineWidget::setSelectedStep(int index)
{
    if (index == m_selected)
        return;
    m_selected = index;
    ensureVisible(index);
    viewport()->update();
}

void TimelineWidget::ensureVisible(int index)
{
    const QRect rect = stepRect(index);
    if (rect.isNull())
        return;
    if (rect.left() < kLabelWidth || rect.left() > viewport()->width() - 20)
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() + rect.left() - kLabelWidth -
                                        (viewport()->width() - kLabelWidth) / 3);
    if (rect.top() < kHeaderHeight || rect.bottom() > viewport()->height())
        verticalScrollBar()->setValue(verticalScrollBar()->value() + rect.top() - kHeaderHeight);
}

} // namespace trailmark::gui
