#include "gui/StepDetailView.h"

#include "chains/Step.h"
#include "chains/families/PresentingFacet.h"
#include "gui/StepListModel.h"
#include "store/Store.h"

#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSplitter>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>

namespace trailmark::gui {
namespace {

// Large enough to read a button's label on a scaled-down screen, small enough to leave
// the text above it room.
constexpr QSize kPictureSize(520, 290);
// Of a GUI action's keyframe, the part around where it acted, so a button stays
// readable on a large screen scaled down.
constexpr QSize kActionArea(960, 540);

QString escaped(const QString& text)
{
    return text.toHtmlEscaped();
}

QString seconds(qint64 ns)
{
    return QString::number(static_cast<double>(ns) / 1e9, 'f', ns < 10'000'000'000 ? 2 : 0) + QStringLiteral(" s");
}

QString stepLink(int index)
{
    return QStringLiteral("<a href=\"step:%1\">#%1</a>").arg(index);
}

// A unified diff with added lines green, removed lines red and hunk headers blue, as
// a reviewer reads diffs everywhere else.
QString diffHtml(const QString& diff)
{
    QString html = QStringLiteral("<pre>");
    const QStringList lines = diff.split(QLatin1Char('\n'));
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QString& line = lines.at(i);
        if (i + 1 == lines.size() && line.isEmpty())
            break;
        const bool header = line.startsWith(QLatin1String("+++ ")) || line.startsWith(QLatin1String("--- ")) ||
                            line.startsWith(QLatin1String("diff --git "));
        QString style;
        if (header)
            style = QStringLiteral("font-weight:bold");
        else if (line.startsWith(QLatin1Char('+')))
            style = QStringLiteral("color:#1e6b1e;background-color:#e6ffec");
        else if (line.startsWith(QLatin1Char('-')))
            style = QStringLiteral("color:#a31515;background-color:#ffebe9");
        else if (line.startsWith(QLatin1String("@@")))
            style = QStringLiteral("color:#0550ae");
        html +=
            style.isEmpty() ? escaped(line) : QStringLiteral("<span style=\"%1\">%2</span>").arg(style, escaped(line));
        html += QLatin1Char('\n');
    }
    return html + QStringLiteral("</pre>");
}

// Draws a GUI action's point (a ring), a drag's path and the element's box on the
// picture, sized for the picture to be read when scaled down.
void drawMarks(QPixmap& pixmap, const chains::ScreenMarks& marks)
{
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal scale =
        std::max<qreal>(1.0, std::min(pixmap.width(), kActionArea.width()) / qreal(kPictureSize.width()));
    if (!marks.elementBox.isEmpty()) {
        painter.setPen(QPen(QColor(0x1e, 0x6f, 0xd9), 2 * scale));
        painter.setBrush(QColor(0x1e, 0x6f, 0xd9, 40));
        painter.drawRect(marks.elementBox);
        if (!marks.label.isEmpty()) {
            QFont font = painter.font();
            font.setPixelSize(static_cast<int>(12 * scale));
            painter.setFont(font);
            const QRect text = painter.fontMetrics().boundingRect(marks.label).adjusted(-4, -2, 4, 2);
            QRect tag(marks.elementBox.bottomLeft() + QPoint(0, static_cast<int>(3 * scale)), text.size());
            if (tag.bottom() > pixmap.height())
                tag.moveBottom(marks.elementBox.top() - static_cast<int>(3 * scale));
            painter.fillRect(tag, QColor(0x1e, 0x6f, 0xd9));
            painter.setPen(Qt::white);
            painter.drawText(tag, Qt::AlignCenter, marks.label);
        }
    }
    painter.setPen(QPen(QColor(0xd9, 0x2b, 0x2b), 3 * scale));
    painter.setBrush(Qt::NoBrush);
    if (marks.end) {
        painter.drawLine(marks.point, *marks.end);
        painter.drawEllipse(QPointF(*marks.end), 5 * scale, 5 * scale);
    }
    painter.drawEllipse(QPointF(marks.point), 10 * scale, 10 * scale);
    painter.drawPoint(marks.point);
}

} // namespace

StepDetailView::StepDetailView(store::Store& store, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_text(new QTextBrowser(this))
    , m_screenshot(new QLabel(this))
{
    m_text->setObjectName(QStringLiteral("stepDetail"));
    m_text->setOpenLinks(false);
    m_text->setPlaceholderText(tr("Select a step to see what was done, what it produced, and what reviewers said."));
    m_screenshot->setObjectName(QStringLiteral("stepScreenshot"));
    m_screenshot->setAlignment(Qt::AlignCenter);
    m_screenshot->setVisible(false);
    m_screenshot->setMinimumHeight(120);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    // The reviewer decides how much of the pane the picture takes.
    auto* splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("stepDetailSplitter"));
    splitter->addWidget(m_text);
    splitter->addWidget(m_screenshot);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setChildrenCollapsible(false);
    layout->addWidget(splitter);
    connect(m_text, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() == QLatin1String("step"))
            Q_EMIT stepLinkActivated(url.path().toInt());
    });
}

QString StepDetailView::plainText() const
{
    return m_text->toPlainText();
}

void StepDetailView::showStep(const chains::Step* step, qint64 sessionStartNs)
{
    m_screenshot->clear();
    m_screenshot->setVisible(false);
    if (!step) {
        m_text->clear();
        return;
    }
    QString html;
    html += QStringLiteral("<h3>#%1 · %2 · %3</h3>")
                .arg(step->index)
                .arg(escaped(step->toolText()), escaped(chains::toString(step->outcome)));
    // Only what the source knew: imported histories may lack cwd, exit status, duration.
    QStringList facts{QStringLiteral("at %1 into the session").arg(seconds(step->startNs - sessionStartNs))};
    if (step->durationNs > 0)
        facts.append(QStringLiteral("took %1").arg(seconds(step->durationNs)));
    for (const QString& fact : chains::families::presenting(*step).detailFacts(*step))
        facts.append(escaped(fact));
    if (!step->outcomeReason.isEmpty())
        facts.append(escaped(step->outcomeReason));
    if (step->derivedOutcome)
        facts.append(escaped(tr("outcome corrected by %1 (derived: %2)")
                                 .arg(step->outcomeCorrectedBy, chains::toString(*step->derivedOutcome))));
    html += QStringLiteral("<p>") + facts.join(QStringLiteral(" · "));
    html += QStringLiteral("</p>");

    if (!step->errorReasons.isEmpty())
        html += QStringLiteral("<p style=\"color:#c0392b\"><b>Error:</b> %1</p>")
                    .arg(escaped(step->errorReasons.join(QStringLiteral("; "))));
    QStringList links;
    if (step->retryOf >= 0)
        links.append(tr("attempt %1, retries %2").arg(step->attempt).arg(stepLink(step->retryOf)));
    if (step->retriedBy >= 0)
        links.append(tr("retried by %1").arg(stepLink(step->retriedBy)));
    if (step->recovers >= 0) {
        QStringList fixes;
        for (const int fix : step->fixSteps)
            fixes.append(stepLink(fix));
        links.append(fixes.isEmpty() ? tr("recovers from the error in %1").arg(stepLink(step->recovers))
                                     : tr("recovers from the error in %1, fixed by %2")
                                           .arg(stepLink(step->recovers), fixes.join(QStringLiteral(", "))));
    }
    if (!links.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(links.join(QStringLiteral(" · ")));

    if (!step->thought.isEmpty())
        html += QStringLiteral("<p><b>Thought</b> (%1):</p><blockquote><i>%2</i></blockquote>")
                    .arg(step->thoughtSource == QLatin1String(chains::kThoughtFromReviewer) ? tr("from a reviewer")
                                                                                            : tr("expert's note"),
                         escaped(step->thought));

    html += QStringLiteral("<p><b>Action</b></p><pre>%1</pre>").arg(escaped(step->actionText()));
    if (step->isAction() && chains::families::presenting(*step).observationIsDiff())
        html += QStringLiteral("<p><b>Observation</b></p>") + diffHtml(step->observationText());
    else if (step->isAction())
        html += QStringLiteral("<p><b>Observation</b></p><pre>%1</pre>").arg(escaped(step->observationText()));
    if (step->effectsFamily) {
        const chains::PresentingFacet& effects = chains::families::presenting(*step->effectsFamily);
        html += QStringLiteral("<p><b>Files changed</b>: %1</p>")
                    .arg(escaped(effects.effectLines(*step).join(QStringLiteral("; "))));
        for (const auto& text : effects.effectTexts(*step))
            html += diffHtml(QString::fromStdString(text.bytes));
    }

    if (!step->annotations.isEmpty()) {
        html += QStringLiteral("<p><b>Reviews</b></p><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\">"
                               "<tr><th>Reviewer</th><th>Rating</th><th>Labels</th><th>Rationale</th></tr>");
        for (const auto& annotation : step->annotations) {
            QStringList labels;
            for (const auto& label : annotation.labels())
                labels.append(QString::fromStdString(label));
            html += QStringLiteral("<tr><td>%1</td><td>%2</td><td>%3</td><td>%4</td></tr>")
                        .arg(escaped(QString::fromStdString(annotation.reviewer())),
                             annotation.has_rating() ? ratingText(annotation.rating()) : QString(),
                             escaped(labels.join(QStringLiteral(", "))),
                             escaped(QString::fromStdString(annotation.rationale())));
        }
        html += QStringLiteral("</table>");
    }
    m_text->setHtml(html);

    if (!step->screenshots.isEmpty()) {
        // A GUI action is shown on its keyframe, the screen just before it, with where it
        // acted drawn over a copy; other steps show their last screenshot.
        const auto marks = chains::families::presenting(*step).screenMarks(*step);
        const QString hash = marks ? marks->screenshot : step->screenshots.last();
        QString error;
        const auto bytes = m_store.blob(QByteArray::fromHex(hash.toLatin1()), &error);
        QPixmap pixmap;
        if (bytes && pixmap.loadFromData(*bytes)) {
            const QSize full = pixmap.size();
            if (marks) {
                drawMarks(pixmap, *marks);
                QRect area(QPoint(0, 0), kActionArea.boundedTo(full));
                area.moveCenter(marks->elementBox.isEmpty() ? marks->point : marks->elementBox.center());
                area.moveLeft(std::clamp(area.left(), 0, full.width() - area.width()));
                area.moveTop(std::clamp(area.top(), 0, full.height() - area.height()));
                pixmap = pixmap.copy(area);
            }
            m_screenshot->setPixmap(pixmap.scaled(kPictureSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
            m_screenshot->setToolTip(
                marks ? tr("The screen just before this action (%1×%2): the red mark is where it "
                           "acted, the blue box the element it hit")
                            .arg(full.width())
                            .arg(full.height())
                      : tr("Screenshot taken during this step (%1×%2)").arg(full.width()).arg(full.height()));
        } else {
            m_screenshot->setText(tr("Screenshot unavailable: %1").arg(bytes ? tr("not an image") : error));
        }
        m_screenshot->setVisible(true);
    }
}

} // namespace trailmark::gui
