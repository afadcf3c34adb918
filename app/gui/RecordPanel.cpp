#include "gui/RecordPanel.h"

#include "capture/shell/ShellIntegration.h"
#include "chains/families/EventFamily.h"
#include "chains/families/FamilyRegistry.h"
#include "gui/AppSettings.h"
#include "store/Store.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QFormLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QStackedWidget>
#include <QStringListModel>
#include <QTimer>
#include <QVBoxLayout>

namespace trailmark::gui {
namespace {

// One line per captured event, as the feed shows it: each family says how its events read.
QString feedLine(const store::StoredEvent& stored)
{
    const v1::Event& event = stored.event;
    const QString time =
        QDateTime::fromMSecsSinceEpoch(event.time_ns() / 1'000'000).toString(QStringLiteral("HH:mm:ss"));
    QString what;
    if (!stored.isReadable())
        what = RecordPanel::tr("(unreadable event)");
    else if (const chains::EventFamily* family = chains::families::ofBody(event.body_case()))
        what = family->describeEvent(event);
    return time + QStringLiteral("  ") + what;
}

} // namespace

RecordPanel::RecordPanel(store::Store& store, RecordingController& controller, QWidget* parent)
    : QWidget(parent)
    , m_store(store)
    , m_controller(controller)
    , m_headline(new QLabel(this))
    , m_elapsed(new QLabel(this))
    , m_storageBanner(new QLabel(this))
    , m_task(new QLineEdit(this))
    , m_screenshots(new QCheckBox(tr("Take screenshots of the windows I switch to"), this))
    , m_guiActions(new QCheckBox(tr("Record my clicks and typing inside apps, with the button or field each hit and "
                                    "the screen before it (never what I type into password fields)"),
                                 this))
    , m_start(new QPushButton(tr("● Start recording"), this))
    , m_pause(new QPushButton(tr("Pause"), this))
    , m_note(new QPushButton(tr("Add note…"), this))
    , m_stop(new QPushButton(tr("■ Stop"), this))
    , m_feed(new QListView(this))
    , m_feedHint(new QLabel(this))
    , m_feedStack(new QStackedWidget(this))
    , m_feedModel(new QStringListModel(this))
    , m_shellSetup(new QGroupBox(tr("Record your shell commands too"), this))
    , m_shell(new QComboBox(this))
    , m_shellLine(new QLineEdit(this))
    , m_clock(new QTimer(this))
{
    setObjectName(QStringLiteral("recordPanel"));
    m_headline->setObjectName(QStringLiteral("recordHeadline"));
    m_headline->setTextFormat(Qt::RichText);
    m_elapsed->setObjectName(QStringLiteral("recordElapsed"));
    m_storageBanner->setObjectName(QStringLiteral("storageBanner"));
    m_storageBanner->setWordWrap(true);
    m_storageBanner->setTextFormat(Qt::RichText);
    m_storageBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_storageBanner->setStyleSheet(QStringLiteral("QLabel { background: #fdecea; color: #611a15; border: 1px solid "
                                                  "#e0a39c; border-radius: 4px; padding: 8px; }"));
    m_storageBanner->hide();
    m_task->setObjectName(QStringLiteral("taskInput"));
    m_task->setPlaceholderText(tr("What are you about to do? e.g. “make the flaky CI job pass”"));
    m_screenshots->setChecked(AppSettings::screenshotsEnabled());
    m_guiActions->setObjectName(QStringLiteral("recordGuiActions"));
    m_guiActions->setChecked(AppSettings::guiActionsEnabled());
    m_start->setObjectName(QStringLiteral("startRecording"));
    m_start->setDefault(true);
    m_pause->setObjectName(QStringLiteral("pauseRecording"));
    m_note->setObjectName(QStringLiteral("addNote"));
    m_stop->setObjectName(QStringLiteral("stopRecording"));
    m_feed->setObjectName(QStringLiteral("liveFeed"));
    m_feed->setModel(m_feedModel);
    m_feed->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_feed->setUniformItemSizes(true);
    m_feedHint->setObjectName(QStringLiteral("liveFeedHint"));
    m_feedHint->setAlignment(Qt::AlignCenter);
    m_feedHint->setWordWrap(true);
    // Looks like the empty list it stands for, with its text greyed.
    m_feedHint->setMargin(24);
    m_feedHint->setStyleSheet(
        QStringLiteral("QLabel { color: palette(dark); background: palette(base); border: 1px solid palette(mid); }"));
    m_feedStack->addWidget(m_feed);
    m_feedStack->addWidget(m_feedHint);

    auto* taskRow = new QHBoxLayout;
    taskRow->addWidget(m_task, 1);
    taskRow->addWidget(m_start);
    auto* controls = new QHBoxLayout;
    controls->addWidget(m_elapsed);
    controls->addStretch();
    controls->addWidget(m_note);
    controls->addWidget(m_pause);
    controls->addWidget(m_stop);

    // The shell hook line, with a copy button: the one setup step the app cannot do.
    m_shell->addItems({QStringLiteral("bash"), QStringLiteral("zsh"), QStringLiteral("fish")});
    m_shellLine->setReadOnly(true);
    m_shellLine->setObjectName(QStringLiteral("shellSetupLine"));
    auto* copy = new QPushButton(tr("Copy"), m_shellSetup);
    auto* hide = new QPushButton(tr("Done, hide this"), m_shellSetup);
    auto* setupText = new QLabel(tr("Add this line to your shell's startup file (~/.bashrc, ~/.zshrc or "
                                    "~/.config/fish/config.fish). Commands, their exit codes and `tm note TEXT` "
                                    "notes then land in the session you are recording. A command typed with a "
                                    "leading space is never recorded."),
                                 m_shellSetup);
    setupText->setWordWrap(true);
    auto* setupRow = new QHBoxLayout;
    setupRow->addWidget(m_shell);
    setupRow->addWidget(m_shellLine, 1);
    setupRow->addWidget(copy);
    setupRow->addWidget(hide);
    auto* setupLayout = new QVBoxLayout(m_shellSetup);
    setupLayout->addWidget(setupText);
    setupLayout->addLayout(setupRow);
    m_shellSetup->setVisible(!AppSettings::shellSetupShown());
    const auto updateShellLine = [this] {
        const QString shell = m_shell->currentText();
        m_shellLine->setText(capture::shellintegration::loadLine(shell));
    };
    updateShellLine();
    connect(m_shell, &QComboBox::currentIndexChanged, this, updateShellLine);
    connect(copy, &QPushButton::clicked, this, [this] { QGuiApplication::clipboard()->setText(m_shellLine->text()); });
    connect(hide, &QPushButton::clicked, this, [this] {
        AppSettings::setShellSetupShown(true);
        m_shellSetup->hide();
    });

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_headline);
    layout->addWidget(m_storageBanner);
    layout->addLayout(taskRow);
    layout->addWidget(m_screenshots);
    layout->addWidget(m_guiActions);
    layout->addLayout(controls);
    layout->addWidget(new QLabel(tr("Captured so far:"), this));
    layout->addWidget(m_feedStack, 1);
    layout->addWidget(m_shellSetup);

    connect(m_start, &QPushButton::clicked, this, &RecordPanel::startRecording);
    connect(m_task, &QLineEdit::returnPressed, this, &RecordPanel::startRecording);
    connect(m_pause, &QPushButton::clicked, this,
            [this] { m_controller.setPaused(m_controller.state() == RecordingController::State::Recording); });
    connect(m_stop, &QPushButton::clicked, &m_controller, &RecordingController::stop);
    connect(m_note, &QPushButton::clicked, this, &RecordPanel::askForNote);
    connect(&m_controller, &RecordingController::stateChanged, this, &RecordPanel::updateState);
    connect(&m_controller, &RecordingController::storageChanged, this, &RecordPanel::updateState);
    connect(&m_controller, &RecordingController::started, this, [this] {
        m_nextSeq = 0;
        m_feedModel->setStringList({});
        readNewEvents();
    });
    connect(&m_controller, &RecordingController::eventsCommitted, this, &RecordPanel::readNewEvents);
    connect(m_clock, &QTimer::timeout, this, &RecordPanel::updateElapsed);
    updateState();
}

QStringList RecordPanel::feedLines() const
{
    return m_feedModel->stringList();
}

void RecordPanel::startRecording()
{
    if (m_controller.state() != RecordingController::State::Idle)
        return;
    AppSettings::setScreenshotsEnabled(m_screenshots->isChecked());
    // The recorder reads it as it starts.
    AppSettings::setGuiActionsEnabled(m_guiActions->isChecked());
    m_controller.start(m_task->text().trimmed(), m_screenshots->isChecked());
}

void RecordPanel::setTask(const QString& task)
{
    if (m_controller.state() == RecordingController::State::Idle) {
        m_task->setText(task);
        m_task->setFocus();
    }
}

void RecordPanel::askForNote()
{
    if (m_controller.state() != RecordingController::State::Recording)
        return;
    bool ok = false;
    const QString text =
        QInputDialog::getText(this, tr("Add a note"), tr("What are you thinking? (goal, plan, what you just learned)"),
                              QLineEdit::Normal, {}, &ok);
    if (ok && !text.trimmed().isEmpty())
        m_controller.addNote(text.trimmed(), v1::Note::KIND_THINK_ALOUD);
}

void RecordPanel::updateState()
{
    using State = RecordingController::State;
    const State state = m_controller.state();
    const bool active = state == State::Recording || state == State::Paused;
    m_task->setEnabled(state == State::Idle);
    m_screenshots->setEnabled(state == State::Idle);
    m_guiActions->setEnabled(state == State::Idle);
    m_start->setEnabled(state == State::Idle);
    m_pause->setEnabled(active);
    m_pause->setText(state == State::Paused ? tr("Resume") : tr("Pause"));
    const bool held = active && m_controller.isStorageHeld();
    m_note->setEnabled(state == State::Recording && !held);
    m_stop->setEnabled(active);
    m_storageBanner->setVisible(held);
    if (held) {
        m_storageBanner->setText(
            tr("<b>Recording is on hold: Trailmark cannot write to its database.</b><br>%1<br><br>Free some disk "
               "space and recording goes on by itself. Shell commands typed meanwhile are kept and stored then; "
               "window switches are not recorded until then.")
                .arg(m_controller.storageProblem().toHtmlEscaped()));
    }
    switch (state) {
    case State::Idle:
        m_headline->setText(tr("<h2>Ready to record</h2><p>Say what you are about to do, then start. Everything "
                               "stays on this computer; secrets are removed before anything is stored.</p>"));
        break;
    case State::Starting:
        m_headline->setText(tr("<h2>Starting…</h2>"));
        break;
    case State::Recording:
        m_headline->setText(held ? tr("<h2>⚠ On hold</h2><p>%1</p>").arg(m_controller.task().toHtmlEscaped())
                                 : tr("<h2><span style=\"color:#c0392b\">●</span> Recording</h2><p>%1</p>")
                                       .arg(m_controller.task().toHtmlEscaped()));
        break;
    case State::Paused:
        m_headline->setText(tr("<h2>❚❚ Paused</h2><p>Nothing is recorded until you resume.</p>"));
        break;
    case State::Stopping:
        m_headline->setText(tr("<h2>Finishing the session…</h2>"));
        break;
    }
    if (active)
        m_clock->start(1000);
    else
        m_clock->stop();
    updateElapsed();
    updateFeedHint();
}

void RecordPanel::updateElapsed()
{
    const bool active = m_controller.state() == RecordingController::State::Recording ||
                        m_controller.state() == RecordingController::State::Paused;
    if (!active) {
        m_elapsed->clear();
        return;
    }
    const qint64 seconds = (QDateTime::currentMSecsSinceEpoch() - m_controller.startedMsecs()) / 1000;
    m_elapsed->setText(tr("%1:%2:%3")
                           .arg(seconds / 3600)
                           .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
                           .arg(seconds % 60, 2, 10, QLatin1Char('0')));
}

void RecordPanel::readNewEvents()
{
    const QString sessionId = m_controller.sessionId();
    if (sessionId.isEmpty())
        return;
    // A few new events per commit: a quick indexed read on the GUI's own connection.
    QStringList lines = m_feedModel->stringList();
    QString error;
    m_store.readEvents(
        sessionId, m_nextSeq, 200,
        [&](const store::StoredEvent& stored) {
            lines.append(feedLine(stored));
            m_nextSeq = stored.event.seq() + 1;
            return true;
        },
        &error);
    if (lines.size() > kFeedLimit)
        lines.erase(lines.begin(), lines.begin() + (lines.size() - kFeedLimit));
    m_feedModel->setStringList(lines);
    m_feed->scrollToBottom();
    updateFeedHint();
}

void RecordPanel::updateFeedHint()
{
    if (m_feedModel->rowCount() > 0) {
        m_feedStack->setCurrentWidget(m_feed);
        return;
    }
    m_feedHint->setText(m_controller.state() == RecordingController::State::Idle
                            ? tr("What you do while recording shows up here: the windows you switch to, the "
                                 "commands you run and their exit codes, your notes.")
                            : tr("Nothing captured yet. Switch to another window, run a command in a shell "
                                 "set up as below, or add a note (Ctrl+N)."));
    m_feedStack->setCurrentWidget(m_feedHint);
}

} // namespace trailmark::gui
