#pragma once

#include "gui/BackgroundJob.h"
#include "gui/TrajectoryLoader.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QTableView;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark {
namespace gui {

class AnnotationPanel;
class StepDetailView;
class StepListModel;
class TimelineWidget;

// One session under review: a timeline of swimlanes, the step list, the selected
// step's details, and the annotation panel. The session loads off the GUI thread and
// shows as it loads.
class ReviewView final : public QWidget
{
    Q_OBJECT

public:
    explicit ReviewView(store::Store& store, QWidget* parent = nullptr);

    void openSession(const QString& sessionId);
    QString sessionId() const { return m_sessionId; }
    bool isLoading() const { return m_loading; }
    void setReviewer(const QString& reviewer);
    void setLabelSet(const QStringList& labels);

    StepListModel* stepModel() const { return m_steps; }
    int currentStep() const;
    void selectStep(int index);

Q_SIGNALS:
    void statusMessage(const QString& message);
    // The session's verdict or state changed: lists showing it should refresh.
    void sessionChanged(const QString& sessionId);
    // Loading finished (or failed); for tests and the status bar.
    void loaded();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void startLoading();
    void onStepsLoaded(quint64 generation, const TrajectoryLoader::StepBatch& firstSteps, qint64 events);
    void onLoaded(quint64 generation, const TrajectoryLoader::OutlinePointer& outline);
    void onLoadFailed(quint64 generation, const QString& error);
    void showCurrentStep();
    void saveAnnotation();
    void redactCurrentStep();
    void setVerdict();
    void selectNextError();
    void updateHeader();

    store::Store& m_store;
    QString m_sessionId;
    QString m_reviewer;
    StepListModel* m_steps = nullptr;
    QLabel* m_header = nullptr;
    QLabel* m_loadingLabel = nullptr;
    QComboBox* m_verdict = nullptr;
    TimelineWidget* m_timeline = nullptr;
    QTableView* m_stepTable = nullptr;
    StepDetailView* m_detail = nullptr;
    AnnotationPanel* m_annotate = nullptr;
    v1::Session m_session;
    QList<v1::Annotation> m_sessionAnnotations;
    quint64 m_generation = 0;
    QPointer<BackgroundJob> m_load; // the current load; earlier ones end on their own
    bool m_loading = false;
};

} // namespace gui
} // namespace trailmark
