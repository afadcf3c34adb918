#include "gui/ExportDialog.h"

#include "chains/export/Exporter.h"
#include "gui/BackgroundJob.h"
#include "store/Store.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRadioButton>
#include <QUrl>
#include <QVBoxLayout>

namespace trailmark::gui {
namespace {

// What each format is for, in a line a dataset builder recognises.
QString formatHint(const QString& format)
{
    static const QHash<QString, QString> hints{
        {QStringLiteral("agent-chain"), ExportDialog::tr("native JSONL, one line per step, lossless")},
        {QStringLiteral("openai"), ExportDialog::tr("chat with tool calls; OpenAI fine-tuning, LLaMA-Factory")},
        {QStringLiteral("openai-reasoning"), ExportDialog::tr("the same with reasoning_content; Axolotl")},
        {QStringLiteral("sharegpt"), ExportDialog::tr("conversations; LLaMA-Factory")},
        {QStringLiteral("atif"), ExportDialog::tr("trajectories for Harbor / Terminal-Bench")},
        {QStringLiteral("reasoning"), ExportDialog::tr("step ratings in PRM800K's shape; TRL")},
        {QStringLiteral("react"), ExportDialog::tr("Thought / Action / Observation text")},
        {QStringLiteral("protobuf"), ExportDialog::tr("raw events + .proto files")},
        {QStringLiteral("hf"), ExportDialog::tr("Hugging Face dataset card")},
    };
    return hints.value(format);
}

} // namespace

ExportDialog::ExportDialog(QString databasePath, QString currentSessionId, const QString& currentTask, QWidget* parent)
    : QDialog(parent)
    , m_databasePath(std::move(databasePath))
    , m_currentSessionId(std::move(currentSessionId))
    , m_allSessions(new QRadioButton(tr("All sessions"), this))
    , m_acceptedOnly(new QRadioButton(tr("Accepted sessions only"), this))
    , m_currentOnly(new QRadioButton(this))
    , m_folder(new QLineEdit(QDir::homePath() + QStringLiteral("/trailmark-export"), this))
    , m_replace(new QCheckBox(tr("Replace an earlier Trailmark export in that folder"), this))
    , m_editStyle(new QComboBox(this))
    , m_progress(new QProgressBar(this))
    , m_result(new QLabel(this))
    , m_export(new QPushButton(tr("Export"), this))
    , m_openFolder(new QPushButton(tr("Open folder"), this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
{
    setWindowTitle(tr("Export datasets"));
    setObjectName(QStringLiteral("exportDialog"));
    setMinimumWidth(560);

    auto* formatBox = new QGroupBox(tr("Formats"), this);
    auto* formatGrid = new QGridLayout(formatBox);
    const QStringList defaults{QStringLiteral("agent-chain"), QStringLiteral("openai"), QStringLiteral("hf")};
    int row = 0;
    for (const QString& format : chains::knownFormats()) {
        auto* box = new QCheckBox(format, formatBox);
        box->setObjectName(QStringLiteral("format-") + format);
        box->setChecked(defaults.contains(format));
        auto* hint = new QLabel(formatHint(format), formatBox);
        hint->setEnabled(false); // greyed: a description, not a control
        formatGrid->addWidget(box, row, 0);
        formatGrid->addWidget(hint, row, 1);
        m_formats.append(box);
        ++row;
    }

    auto* sessionBox = new QGroupBox(tr("Sessions"), this);
    auto* sessionLayout = new QVBoxLayout(sessionBox);
    m_allSessions->setChecked(true);
    m_acceptedOnly->setObjectName(QStringLiteral("acceptedOnly"));
    m_currentOnly->setText(currentTask.isEmpty() ? tr("Only the session under review")
                                                 : tr("Only “%1”").arg(currentTask.left(60)));
    m_currentOnly->setEnabled(!m_currentSessionId.isEmpty());
    sessionLayout->addWidget(m_allSessions);
    sessionLayout->addWidget(m_acceptedOnly);
    sessionLayout->addWidget(m_currentOnly);

    m_folder->setObjectName(QStringLiteral("exportFolder"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    auto* folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder, 1);
    folderRow->addWidget(browse);
    auto* form = new QFormLayout;
    form->addRow(tr("Folder:"), folderRow);
    form->addRow(QString(), m_replace);
    // The same choice as `trailmark export --edit-style`; the data is the option's value.
    m_editStyle->setObjectName(QStringLiteral("editStyle"));
    m_editStyle->addItem(tr("str_replace editor calls (old_str → new_str, create)"),
                         QString::fromLatin1(chains::nameOf(chains::EditStyle::StrReplace)));
    m_editStyle->addItem(tr("apply_patch calls (one unified diff)"),
                         QString::fromLatin1(chains::nameOf(chains::EditStyle::ApplyPatch)));
    m_editStyle->setToolTip(tr("How the chat formats (openai, openai-reasoning, sharegpt) write file edits"));
    form->addRow(tr("File edits as:"), m_editStyle);

    m_progress->setObjectName(QStringLiteral("exportProgress"));
    m_progress->setRange(0, 1000);
    m_progress->setValue(0);
    m_progress->setVisible(false);
    m_result->setObjectName(QStringLiteral("exportResult"));
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_export->setObjectName(QStringLiteral("startExport"));
    m_export->setDefault(true);
    m_openFolder->setVisible(false);
    m_buttons->addButton(m_export, QDialogButtonBox::ActionRole);
    m_buttons->addButton(m_openFolder, QDialogButtonBox::ActionRole);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(formatBox);
    layout->addWidget(sessionBox);
    layout->addLayout(form);
    layout->addWidget(m_progress);
    layout->addWidget(m_result);
    layout->addWidget(m_buttons);

    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = QFileDialog::getExistingDirectory(this, tr("Export into"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(folder);
    });
    connect(m_export, &QPushButton::clicked, this, &ExportDialog::startExport);
    connect(m_openFolder, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(m_folder->text())); });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ExportDialog::reject);
}

void ExportDialog::setOutputFolder(const QString& folder)
{
    m_folder->setText(folder);
}

void ExportDialog::setFormats(const QStringList& formats)
{
    for (QCheckBox* box : std::as_const(m_formats))
        box->setChecked(formats.contains(box->text()));
}

void ExportDialog::setAcceptedOnly(bool acceptedOnly)
{
    (acceptedOnly ? m_acceptedOnly : m_allSessions)->setChecked(true);
}

QString ExportDialog::resultText() const
{
    return m_result->text();
}

QStringList ExportDialog::chosenFormats() const
{
    QStringList formats;
    for (const QCheckBox* box : m_formats)
        if (box->isChecked())
            formats.append(box->text());
    return formats;
}

void ExportDialog::setRunning(bool running)
{
    m_export->setEnabled(!running);
    m_progress->setVisible(true);
    m_buttons->button(QDialogButtonBox::Close)->setText(running ? tr("Cancel") : tr("Close"));
}

void ExportDialog::startExport()
{
    if (m_job)
        return;
    chains::ExportOptions options;
    options.formats = chosenFormats();
    options.outDir = QDir::cleanPath(m_folder->text().trimmed());
    options.acceptedOnly = m_acceptedOnly->isChecked();
    options.force = m_replace->isChecked();
    options.toolStyle.edits =
        chains::parseEditStyle(m_editStyle->currentData().toString()).value_or(chains::EditStyle::StrReplace);
    if (m_currentOnly->isChecked())
        options.sessionIds = {m_currentSessionId};
    if (options.formats.isEmpty()) {
        m_result->setText(tr("Choose at least one format."));
        return;
    }
    QString error;
    if (options.outDir.isEmpty() || !chains::Exporter::checkOutput(options.outDir, options.force, &error)) {
        m_result->setText(options.outDir.isEmpty() ? tr("Choose a folder.") : error);
        return;
    }
    m_result->setText(tr("Exporting…"));
    m_openFolder->setVisible(false);
    m_progress->setValue(0);
    setRunning(true);
    m_job = BackgroundJob::run(
        this,
        [this, options, path = m_databasePath](BackgroundJob& job) mutable {
            options.cancelled = [&job] {
                return job.isCancelled();
            };
            options.progress = [this, &job](qint64 done, qint64 total) {
                const int permille = total > 0 ? static_cast<int>(done * 1000 / total) : 1000;
                job.deliver([this, permille] { m_progress->setValue(permille); });
            };
            QString exportError;
            std::optional<chains::ExportStats> stats;
            if (auto store = store::Store::open(path, store::Store::Access::ReadOnly, &exportError))
                stats = chains::Exporter::run(*store, options, &exportError);
            return std::pair(stats, exportError);
        },
        [this, folder = options.outDir](const std::pair<std::optional<chains::ExportStats>, QString>& outcome) {
            showOutcome(outcome.first ? &*outcome.first : nullptr, outcome.second, folder);
        });
}

void ExportDialog::showOutcome(const chains::ExportStats* stats, const QString& error, const QString& folder)
{
    m_job = nullptr;
    setRunning(false);
    if (stats) {
        m_progress->setValue(1000);
        m_result->setText(tr("Exported %1 sessions, %2 steps (%3 errors, %4 retries) to %5")
                              .arg(stats->sessions)
                              .arg(stats->steps)
                              .arg(stats->errors)
                              .arg(stats->retries)
                              .arg(folder));
        m_openFolder->setVisible(true);
    } else {
        m_result->setText(tr("Export failed: %1").arg(error));
    }
    Q_EMIT exportFinished(stats != nullptr);
}

void ExportDialog::reject()
{
    if (m_job) {
        m_job->cancel(); // the worker reports "export cancelled" and stops
        return;
    }
    QDialog::reject();
}

} // namespace trailmark::gui
