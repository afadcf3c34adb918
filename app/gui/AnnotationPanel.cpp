#include "gui/AnnotationPanel.h"

#include "chains/Step.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

namespace trailmark::gui {

AnnotationPanel::AnnotationPanel(QWidget* parent)
    : QWidget(parent)
    , m_reviewer(new QLabel(this))
    , m_ratings(new QButtonGroup(this))
    , m_labelBox(new QWidget(this))
    , m_rationale(new QPlainTextEdit(this))
    , m_outcome(new QComboBox(this))
    , m_save(new QPushButton(tr("Save"), this))
    , m_redact(new QPushButton(tr("Redact…"), this))
{
    setObjectName(QStringLiteral("annotationPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);

    auto* ratingRow = new QHBoxLayout;
    ratingRow->addWidget(new QLabel(tr("Rate step:"), this));
    struct RatingButton
    {
        int rating;
        QString text;
        QString tip;
    };
    const RatingButton buttons[] = {
        {-1, tr("−1 wrong"), tr("The step was a mistake (key: -)")},
        {0, tr("0 neutral"), tr("Neither helped nor hurt (key: 0)")},
        {1, tr("+1 good"), tr("A good step (key: +)")},
    };
    for (const auto& button : buttons) {
        auto* widget = new QToolButton(this);
        widget->setText(button.text);
        widget->setToolTip(button.tip);
        widget->setCheckable(true);
        widget->setObjectName(QStringLiteral("rating%1").arg(button.rating));
        // QButtonGroup treats id -1 as "assign one": store ratings shifted by one.
        m_ratings->addButton(widget, button.rating + 1);
        ratingRow->addWidget(widget);
        connect(widget, &QToolButton::clicked, this, [this, rating = button.rating] { rate(rating); });
    }
    ratingRow->addStretch();
    ratingRow->addWidget(m_reviewer);
    layout->addLayout(ratingRow);

    m_labelBox->setLayout(new QGridLayout);
    m_labelBox->layout()->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_labelBox);

    m_rationale->setObjectName(QStringLiteral("rationale"));
    m_rationale->setPlaceholderText(
        tr("Rationale: why this rating? It becomes the step's thought in exports when the expert left no note."));
    m_rationale->setMaximumHeight(90);
    layout->addWidget(m_rationale);

    auto* actions = new QHBoxLayout;
    // The outcome names are the one vocabulary of show, exports and `annotate --outcome`.
    m_outcome->setObjectName(QStringLiteral("outcomePicker"));
    m_outcome->setToolTip(tr("Correct the step's outcome; the correction wins in every view and export"));
    m_outcome->addItem(tr("Outcome as derived"), QString());
    for (const QString& name : chains::correctableOutcomeNames())
        m_outcome->addItem(name, name);
    actions->addWidget(m_outcome);
    m_redact->setObjectName(QStringLiteral("redactButton"));
    m_redact->setToolTip(tr("Remove a secret or personal detail from this step's stored text"));
    m_save->setObjectName(QStringLiteral("saveAnnotation"));
    m_save->setToolTip(tr("Save labels and rationale (Ctrl+Return)"));
    m_save->setDefault(true);
    actions->addWidget(m_redact);
    actions->addStretch();
    actions->addWidget(m_save);
    layout->addLayout(actions);

    connect(m_save, &QPushButton::clicked, this, &AnnotationPanel::saveRequested);
    connect(m_redact, &QPushButton::clicked, this, &AnnotationPanel::redactRequested);
    auto* saveShortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), this);
    saveShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(saveShortcut, &QShortcut::activated, this, &AnnotationPanel::saveRequested);
    resetForStep(false);
}

void AnnotationPanel::setLabelSet(const QStringList& labels)
{
    qDeleteAll(m_labelButtons);
    m_labelButtons.clear();
    auto* grid = static_cast<QGridLayout*>(m_labelBox->layout());
    constexpr int kColumns = 4;
    for (qsizetype i = 0; i < labels.size(); ++i) {
        auto* button = new QToolButton(m_labelBox);
        button->setText(labels.at(i));
        button->setCheckable(true);
        button->setToolButtonStyle(Qt::ToolButtonTextOnly);
        button->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
        grid->addWidget(button, static_cast<int>(i / kColumns), static_cast<int>(i % kColumns));
        m_labelButtons.append(button);
    }
}

void AnnotationPanel::setReviewer(const QString& reviewer)
{
    m_reviewer->setText(tr("as <b>%1</b>").arg(reviewer.toHtmlEscaped()));
}

void AnnotationPanel::resetForStep(bool hasStep)
{
    m_ratings->setExclusive(false);
    for (auto* button : m_ratings->buttons())
        button->setChecked(false);
    m_ratings->setExclusive(true);
    for (auto* button : std::as_const(m_labelButtons))
        button->setChecked(false);
    m_rationale->clear();
    m_outcome->setCurrentIndex(0);
    setEnabled(hasStep);
}

std::optional<int> AnnotationPanel::rating() const
{
    return m_ratings->checkedButton() ? std::optional<int>(m_ratings->checkedId() - 1) : std::nullopt;
}

QStringList AnnotationPanel::checkedLabels() const
{
    QStringList labels;
    for (const auto* button : m_labelButtons)
        if (button->isChecked())
            labels.append(button->text());
    return labels;
}

QString AnnotationPanel::rationale() const
{
    return m_rationale->toPlainText().trimmed();
}

QString AnnotationPanel::correctedOutcome() const
{
    return m_outcome->currentData().toString();
}

void AnnotationPanel::rate(int rating)
{
    if (!isEnabled())
        return;
    if (auto* button = m_ratings->button(rating + 1))
        button->setChecked(true);
    Q_EMIT saveRequested();
}

} // namespace trailmark::gui
