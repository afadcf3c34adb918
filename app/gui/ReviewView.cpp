#include "gui/ReviewView.h"

#include "chains/Review.h"
#include "gui/AnnotationPanel.h"
#include "gui/BackgroundJob.h"
#include "gui/RedactDialog.h"
#include "gui/StepDetailView.h"
#include "gui/StepListModel.h"
#include "gui/TimelineWidget.h"
#include "store/Store.h"
#include "store/Vocabulary.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include <spdlog/spdlog.h>

namespace trailmark::gui {

ReviewView::ReviewView(store::Store& store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_steps(new StepListModel(store, this))
    , m_header(new QLabel(this))
    , m_loadingLabel(new QLabel(this))
    , m_verdict(new QComboBox(this))
    , m_timeline(new TimelineWidget(*m_steps, this))
    , m_stepTable(new QTableView(this))
    , m_detail(new StepDetailView(store, this))
    , m_annotate(new AnnotationPanel(this))
{
    setObjectName(QStringLiteral("reviewView"));
    m_header->setObjectName(QStringLiteral("reviewHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setWordWrap(true);
    m_loadingLabel->setObjectName(QStringLiteral("loadingLabel"));
    m_verdict->setObjectName(QStringLiteral("verdict"));
    m_verdict->addItem(tr("No verdict"), static_cast<int>(v1::Annotation::VERDICT_UNSPECIFIED));
    m_verdict->addItem(tr("Accepted"), static_cast<int>(v1::Annotation::VERDICT_ACCEPTED));
    m_verdict->addItem(tr("Needs work"), static_cast<int>(v1::Annotation::VERDICT_NEEDS_WORK));
    m_verdict->addItem(tr("Rejected"), static_cast<int>(v1::Annotation::VERDICT_REJECTED));
    auto* setVerdictButton = new QPushButton(tr("Set verdict"), this);
    setVerdictButton->setObjectName(QStringLiteral("setVerdict"));

    auto* headerRow = new QHBoxLayout;
    headerRow->addWidget(m_header, 1);
    headerRow->addWidget(m_loadingLabel);
    headerRow->addWidget(new QLabel(tr("Verdict:"), this));
    headerRow->addWidget(m_verdict);
    headerRow->addWidget(setVerdictButton);

    m_stepTable->setObjectName(QStringLiteral("stepTable"));
    m_stepTable->setModel(m_steps);
    m_stepTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_stepTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_stepTable->setAlternatingRowColors(true);
    m_stepTable->setWordWrap(false);
    m_stepTable->verticalHeader()->hide();
    // Fixed row heights: the view never measures a million rows.
    m_stepTable->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_stepTable->verticalHeader()->setDefaultSectionSize(m_stepTable->fontMetrics().height() + 6);
    m_stepTable->horizontalHeader()->setStretchLastSection(false);
    m_stepTable->horizontalHeader()->setSectionResizeMode(StepListModel::ActionColumn, QHeaderView::Stretch);
    m_stepTable->setColumnWidth(StepListModel::IndexColumn, 56);
    m_stepTable->setColumnWidth(StepListModel::TimeColumn, 72); // h:mm:ss past the first hour
    m_stepTable->setColumnWidth(StepListModel::ToolColumn, 60);
    m_stepTable->setColumnWidth(StepListModel::OutcomeColumn, 90);
    m_stepTable->setColumnWidth(StepListModel::MarksColumn, 150);

    auto* rightSide = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(rightSide);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_detail, 1);
    rightLayout->addWidget(m_annotate);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_stepTable);
    split->addWidget(rightSide);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto* vertical = new QSplitter(Qt::Vertical, this);
    vertical->addWidget(m_timeline);
    vertical->addWidget(split);
    vertical->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(headerRow);
    layout->addWidget(vertical, 1);

    connect(m_stepTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        showCurrentStep();
        m_timeline->setSelectedStep(currentStep());
    });
    connect(m_timeline, &TimelineWidget::stepClicked, this, &ReviewView::selectStep);
    connect(m_detail, &StepDetailView::stepLinkActivated, this, &ReviewView::selectStep);
    connect(m_annotate, &AnnotationPanel::saveRequested, this, &ReviewView::saveAnnotation);
    connect(m_annotate, &AnnotationPanel::redactRequested, this, &ReviewView::redactCurrentStep);
    connect(setVerdictButton, &QPushButton::clicked, this, &ReviewView::setVerdict);

    // Rating keys act on the selected step while the step list or the timeline has
    // focus; text fields keep their keys.
    m_stepTable->installEventFilter(this);
    m_timeline->installEventFilter(this);
}

bool ReviewView::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const auto* key = static_cast<QKeyEvent*>(event);
    if (key->modifiers() & ~(Qt::ShiftModifier | Qt::KeypadModifier))
        return QWidget::eventFilter(watched, event);
    switch (key->key()) {
    case Qt::Key_Minus:
        m_annotate->rate(-1);
        return true;
    case Qt::Key_0:
        m_annotate->rate(0);
        return true;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_annotate->rate(1);
        return true;
    case Qt::Key_N:
        selectNextError();
        return true;
    default:
        return QWidget::eventFilter(watched, event);
    }
}

void ReviewView::setReviewer(const QString& reviewer)
{
    m_reviewer = reviewer;
    m_annotate->setReviewer(reviewer);
}

void ReviewView::setLabelSet(const QStringList& labels)
{
    m_annotate->setLabelSet(labels);
}

void ReviewView::openSession(const QString& sessionId)
{
    QString error;
    const auto session = m_store.session(sessionId, &error);
    const auto annotations = session ? m_store.annotations(sessionId, &error) : std::nullopt;
    if (!session || !annotations) {
        Q_EMIT statusMessage(tr("Cannot open the session: %1").arg(error));
        return;
    }
    m_sessionId = sessionId;
    m_session = *session;
    m_sessionAnnotations.clear();
    for (const auto& annotation : *annotations)
        if (annotation.target_id() == annotation.session_id())
            m_sessionAnnotations.append(annotation);
    m_steps->clear();
    m_steps->setStartNs(m_session.started_ns());
    m_detail->showStep(nullptr, 0);
    m_annotate->resetForStep(false);
    startLoading();
}

void ReviewView::startLoading()
{
    if (m_load)
        m_load->cancel();
    const quint64 generation = ++m_generation;
    m_loading = true;
    m_loadingLabel->setText(tr("Loading…"));
    updateHeader();

    // The work touches no member: it reads through its own connection and hands each
    // piece to deliver(), which runs it here only while this view exists.
    m_load = BackgroundJob::start(this, [this, generation, loader = TrajectoryLoader(m_store.path(), m_sessionId)](
                                            BackgroundJob& job) mutable {
        QString error;
        const auto outline = loader.load(
            [&job] { return job.isCancelled(); },
            [this, &job, generation](const TrajectoryLoader::StepBatch& firstSteps, qint64 events) {
                job.deliver([this, generation, firstSteps, events] { onStepsLoaded(generation, firstSteps, events); });
            },
            &error);
        if (job.isCancelled())
            return;
        job.deliver([this, generation, outline, error] {
            if (outline)
                onLoaded(generation, outline);
            else
                onLoadFailed(generation, error);
        });
    });
}

void ReviewView::onLoadFailed(quint64 generation, const QString& error)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    m_loadingLabel->setText(tr("Failed"));
    Q_EMIT statusMessage(tr("Cannot load the session: %1").arg(error));
    Q_EMIT loaded();
}

void ReviewView::onStepsLoaded(quint64 generation, const TrajectoryLoader::StepBatch& firstSteps, qint64 events)
{
    if (generation != m_generation)
        return;
    m_loadingLabel->setText(tr("Loading… %1 events").arg(events));
    if (!firstSteps)
        return;
    m_steps->setFirstSteps(std::move(*firstSteps));
    updateHeader();
    if (currentStep() < 0 && m_steps->stepCount() > 0)
        selectStep(0);
}

void ReviewView::onLoaded(quint64 generation, const TrajectoryLoader::OutlinePointer& outline)
{
    if (generation != m_generation || !outline)
        return;
    const int selected = currentStep();
    const size_t unreadable = outline->unreadable.size();
    m_steps->setOutline(std::make_unique<chains::TrajectoryOutline>(std::move(*outline)));
    m_timeline->rebuildLanes();
    m_loading = false;
    m_loadingLabel->clear();
    updateHeader();
    if (m_steps->stepCount() > 0)
        selectStep(selected >= 0 ? std::min(selected, m_steps->stepCount() - 1) : 0);
    showCurrentStep();
    if (unreadable > 0)
        Q_EMIT statusMessage(
            tr("%1 event(s) of this session could not be read; run `trailmark verify`").arg(unreadable));
    Q_EMIT loaded();
}

void ReviewView::updateHeader()
{
    int errors = 0;
    int retries = 0;
    qint64 endNs = m_session.ended_ns();
    for (const chains::StepOutline& step : m_steps->outlines()) {
        errors += step.outcome == chains::StepOutcome::Error ? 1 : 0;
        retries += step.retryOf >= 0 ? 1 : 0;
        endNs = std::max(endNs, step.endNs);
    }
    const qint64 durationNs = std::max<qint64>(0, endNs - m_session.started_ns());
    const QString task = m_session.task().empty() ? tr("(no task given)") : QString::fromStdString(m_session.task());
    QStringList facts;
    if (!m_session.expert().empty())
        facts.append(QString::fromStdString(m_session.expert()).toHtmlEscaped());
    facts.append(tr("%1 min").arg(QString::number(static_cast<double>(durationNs) / 60e9, 'f', 1)));
    facts.append(tr("%1 steps").arg(m_steps->stepCount()));
    facts.append(tr("%1 errors").arg(errors));
    facts.append(tr("%1 retries").arg(retries));
    m_header->setText(QStringLiteral("<b>%1</b><br>%2").arg(task.toHtmlEscaped(), facts.join(QStringLiteral(" · "))));
    const v1::Annotation::Verdict verdict = store::vocabulary::latestVerdict(m_sessionAnnotations);
    m_verdict->setCurrentIndex(m_verdict->findData(static_cast<int>(verdict)));
}

int ReviewView::currentStep() const
{
    const QModelIndex current = m_stepTable->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void ReviewView::selectStep(int index)
{
    if (index < 0 || index >= m_steps->stepCount())
        return;
    m_stepTable->setCurrentIndex(m_steps->index(index, StepListModel::ActionColumn));
    m_stepTable->scrollTo(m_stepTable->currentIndex());
}

void ReviewView::selectNextError()
{
    const auto& steps = m_steps->outlines();
    for (int i = currentStep() + 1; i < static_cast<int>(steps.size()); ++i) {
        if (steps[static_cast<size_t>(i)].outcome == chains::StepOutcome::Error) {
            selectStep(i);
            return;
        }
    }
    Q_EMIT statusMessage(tr("No more errors after this step"));
}

void ReviewView::showCurrentStep()
{
    const auto step = m_steps->step(currentStep());
    m_detail->showStep(step.get(), m_session.started_ns());
    m_annotate->resetForStep(step != nullptr);
    if (!step && currentStep() >= 0)
        Q_EMIT statusMessage(tr("Cannot show step #%1: %2").arg(currentStep()).arg(m_steps->lastError()));
}

void ReviewView::saveAnnotation()
{
    const auto step = m_steps->step(currentStep());
    if (!step || step->eventIds.empty())
        return;
    v1::Annotation annotation;
    annotation.set_session_id(m_sessionId.toStdString());
    annotation.set_target_id(step->eventIds.front());
    annotation.set_reviewer(m_reviewer.toStdString());
    if (const auto rating = m_annotate->rating()) {
        annotation.set_rating(*rating);
        annotation.set_has_rating(true);
    }
    for (const QString& label : m_annotate->checkedLabels())
        annotation.add_labels(label.toStdString());
    annotation.set_rationale(m_annotate->rationale().toStdString());
    annotation.set_corrected_outcome(m_annotate->correctedOutcome().toStdString());
    if (!annotation.has_rating() && annotation.labels_size() == 0 && annotation.rationale().empty() &&
        annotation.corrected_outcome().empty()) {
        Q_EMIT statusMessage(tr("Nothing to save: give a rating, a label, a rationale or an outcome"));
        return;
    }
    QString error;
    if (!chains::review::addAnnotation(m_store, annotation, &error)) {
        spdlog::error("cannot save annotation: {}", error.toStdString());
        QMessageBox::warning(this, tr("Annotation not saved"),
                             tr("The annotation could not be saved.\n\n%1").arg(error));
        return;
    }
    const int row = currentStep();
    m_steps->addAnnotation(row, annotation);
    m_detail->showStep(m_steps->step(row).get(), m_session.started_ns());
    Q_EMIT statusMessage(tr("Saved %1's annotation on step #%2").arg(m_reviewer).arg(row));
}

void ReviewView::redactCurrentStep()
{
    const auto step = m_steps->step(currentStep());
    if (!step)
        return;
    RedactDialog dialog(*step, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const auto span = dialog.span();
    if (!span || span->length == 0)
        return;
    QString error;
    if (!chains::review::addRedaction(m_store, m_sessionId, m_reviewer, *span, nullptr, &error)) {
        QMessageBox::warning(this, tr("Not redacted"), tr("The text could not be redacted.\n\n%1").arg(error));
        return;
    }
    Q_EMIT statusMessage(tr("Redacted %1 bytes of %2 in step #%3").arg(span->length).arg(span->field).arg(step->index));
    // The stored text changed: what is shown is derived again, and so is the outline.
    m_steps->forgetDerivedSteps();
    startLoading();
}

void ReviewView::setVerdict()
{
    if (m_sessionId.isEmpty())
        return;
    const auto verdict = static_cast<v1::Annotation::Verdict>(m_verdict->currentData().toInt());
    v1::Annotation annotation;
    annotation.set_session_id(m_sessionId.toStdString());
    annotation.set_target_id(m_sessionId.toStdString());
    annotation.set_reviewer(m_reviewer.toStdString());
    annotation.set_verdict(verdict);
    QString error;
    if (!chains::review::addAnnotation(m_store, annotation, &error)) {
        QMessageBox::warning(this, tr("Verdict not saved"), error);
        return;
    }
    m_sessionAnnotations.append(annotation);
    if (const auto session = m_store.session(m_sessionId, &error))
        m_session = *session;
    Q_EMIT statusMessage(tr("Verdict saved: %1").arg(m_verdict->currentText()));
    Q_EMIT sessionChanged(m_sessionId);
}

} // namespace trailmark::gui
