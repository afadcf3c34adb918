#include "gui/MainWindow.h"

#include "capture/note/NoteHotkey.h"
#include "gui/AppSettings.h"
#include "gui/ExportDialog.h"
#include "gui/RecordPanel.h"
#include "gui/RecordingController.h"
#include "gui/ReviewView.h"
#include "gui/SessionBrowser.h"
#include "gui/SettingsDialog.h"
#include "gui/TeamView.h"
#include "store/Store.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTimer>

namespace trailmark::gui {

MainWindow::MainWindow(store::Store& store, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_recording(new RecordingController(store.path(), this))
    , m_recordPanel(new RecordPanel(store, *m_recording, this))
    , m_recordingIndicator(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_browser(new SessionBrowser(store, this))
    , m_review(new ReviewView(store, this))
    , m_team(new TeamView(store, this))
{
    setWindowTitle(tr("Trailmark"));
    resize(1200, 760);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_recordPanel, tr("Record"));
    m_tabs->addTab(m_browser, tr("Sessions"));
    m_tabs->addTab(m_review, tr("Review"));
    m_tabs->addTab(m_team, tr("Team"));
    m_tabs->setTabEnabled(m_tabs->indexOf(m_review), false);
    m_recordingIndicator->setObjectName(QStringLiteral("recordingIndicator"));
    statusBar()->addPermanentWidget(m_recordingIndicator);
    setCentralWidget(m_tabs);

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* reload = fileMenu->addAction(tr("&Reload"), this, &MainWindow::refreshSessions);
    reload->setShortcut(QKeySequence::Refresh);
    auto* noteAction = fileMenu->addAction(tr("Add &note…"), m_recordPanel, &RecordPanel::askForNote);
    noteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    fileMenu->addSeparator();
    auto* exportAction = fileMenu->addAction(tr("&Export…"), this, &MainWindow::showExport);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setObjectName(QStringLiteral("exportAction"));
    fileMenu->addAction(tr("&Settings…"), this, &MainWindow::showSettings)->setShortcut(QKeySequence::Preferences);
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);

    connect(m_browser, &SessionBrowser::sessionActivated, this, &MainWindow::openSession);
    connect(m_team, &TeamView::openSessionRequested, this, &MainWindow::openSession);
    connect(m_team, &TeamView::localSessionsChanged, this, &MainWindow::refreshSessions);
    connect(m_team, &TeamView::recordTaskRequested, this, [this](const QString& title, const QString& instructions) {
        m_recordPanel->setTask(title);
        m_tabs->setCurrentWidget(m_recordPanel);
        if (!instructions.isEmpty())
            statusBar()->showMessage(tr("Task: %1").arg(instructions), 15'000);
    });
    connect(m_team, &TeamView::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    // The Team tab reads (and asks the team store) when it is looked at, never at
    // start-up: the app opens as fast offline as online.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_tabs->widget(index) == m_team)
            m_team->refresh();
    });
    connect(m_recording, &RecordingController::stateChanged, this, &MainWindow::onRecordingStateChanged);
    connect(m_recording, &RecordingController::failed, this, [this](const QString& message) {
        QMessageBox::warning(this, tr("Cannot record"), tr("The recording could not start.\n\n%1").arg(message));
    });
    connect(m_recording, &RecordingController::warning, this,
            [this](const QString& message) { statusBar()->showMessage(message, 10'000); });
    connect(m_recording, &RecordingController::storageChanged, this, [this] {
        // Seen even when the window is hidden: the expert may be working elsewhere.
        if (m_recording->isStorageHeld() && m_tray)
            m_tray->showMessage(tr("Recording on hold"),
                                tr("Trailmark cannot write to its database (is the disk full?). It goes on by "
                                   "itself when it can."),
                                QSystemTrayIcon::Warning, 10'000);
        statusBar()->showMessage(m_recording->isStorageHeld()
                                     ? tr("Recording on hold: the database cannot be written")
                                     : tr("The database takes writes again; recording goes on"),
                                 10'000);
        onRecordingStateChanged();
    });
    connect(m_recording, &RecordingController::noteResult, this, [this](bool ok, const QString& error) {
        QString message = ok ? tr("Note added") : tr("Note not added: %1").arg(error);
        if (!ok && m_recording->isStorageHeld()) // the banner on the Record tab says why
            message = error.startsWith(QLatin1String("the note waits"))
                          ? tr("Note kept; it is stored once the database can be written")
                          : tr("Note not added: recording is on hold");
        statusBar()->showMessage(message, 5000);
    });
    // The session being recorded is in the Sessions tab (and the count) from its start.
    connect(m_recording, &RecordingController::started, this, &MainWindow::refreshSessions);
    connect(m_recording, &RecordingController::stopped, this, [this](const QString& sessionId, const QString& error) {
        refreshSessions();
        statusBar()->showMessage(error.isEmpty() ? tr("Session finished; it is in the Sessions tab.")
                                                 : tr("The session did not finish cleanly: %1").arg(error),
                                 10'000);
        Q_UNUSED(sessionId);
    });
    // Quitting from anywhere (Ctrl+Q, the tray, the desktop logging out) finishes the
    // session on disk before the process ends.
    connect(qApp, &QCoreApplication::aboutToQuit, m_recording, &RecordingController::stopAndWait);
    createTrayIcon();
    grabNoteHotkey();
    onRecordingStateChanged();
    connect(m_review, &ReviewView::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_review, &ReviewView::sessionChanged, this, [this](const QString& sessionId) {
        refreshSessions();
        m_browser->invalidateStats(sessionId);
    });
    applySettings();
    refreshSessions();
}

void MainWindow::onRecordingStateChanged()
{
    using State = RecordingController::State;
    const State state = m_recording->state();
    const bool held = state != State::Idle && m_recording->isStorageHeld();
    const bool recording = state == State::Recording && !held;
    const bool paused = state == State::Paused;
    // While keys and clicks are read, the indicator says so: what the sources declare
    // must be announced, as the recording was started with.
    const QString announced = m_recording->announcements().join(tr(" and "));
    const bool input = !announced.isEmpty();
    setWindowTitle(held                 ? tr("⚠ On hold — Trailmark")
                   : recording && input ? tr("● Recording %1 — Trailmark").arg(announced)
                   : recording          ? tr("● Recording — Trailmark")
                   : paused             ? tr("Paused — Trailmark")
                                        : tr("Trailmark"));
    m_recordingIndicator->setText(held ? tr("⚠ On hold: cannot write")
                                  : recording && input
                                      ? tr("<span style=\"color:#c0392b\">●</span> Recording, with %1").arg(announced)
                                  : recording ? tr("<span style=\"color:#c0392b\">●</span> Recording")
                                  : paused    ? tr("❚❚ Paused")
                                              : QString());
    if (m_tray) {
        m_tray->setToolTip(windowTitle());
        m_tray->setIcon(windowIcon());
    }
}

void MainWindow::createTrayIcon()
{
    // The tray may appear after we start (the panel loads late): try again for a while.
    if (!QSystemTrayIcon::isSystemTrayAvailable()) {
        if (++m_trayAttempts < 40)
            QTimer::singleShot(3000, this, &MainWindow::createTrayIcon);
        return;
    }
    if (m_tray)
        return;
    m_tray = new QSystemTrayIcon(windowIcon(), this);
    auto* menu = new QMenu(this);
    menu->addAction(tr("Show Trailmark"), this, [this] {
        showNormal();
        activateWindow();
    });
    menu->addAction(tr("Start / stop recording"), this, [this] {
        if (m_recording->isActive())
            m_recording->stop();
        else
            m_recordPanel->startRecording();
    });
    menu->addAction(tr("Pause / resume"), this,
                    [this] { m_recording->setPaused(m_recording->state() == RecordingController::State::Recording); });
    menu->addAction(tr("Add note…"), m_recordPanel, &RecordPanel::askForNote);
    menu->addSeparator();
    menu->addAction(tr("Quit"), qApp, &QCoreApplication::quit);
    m_tray->setContextMenu(menu);
    m_tray->setToolTip(windowTitle());
    m_tray->show();
}

void MainWindow::grabNoteHotkey()
{
    // The note source declares the shortcut and grabs it; opening the note box is the app's part.
    QString shortcut;
    QString error;
    m_noteHotkey = capture::NoteHotkey::grab(
        this,
        [this] {
            showNormal();
            activateWindow();
            m_recordPanel->askForNote();
        },
        &shortcut, &error);
    if (m_noteHotkey == nullptr)
        statusBar()->showMessage(tr("The note hotkey %1 is not available: %2").arg(shortcut, error), 10'000);
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!m_recording->isActive()) {
        event->accept();
        return;
    }
    const auto answer = QMessageBox::question(
        this, tr("Recording in progress"), tr("A session is being recorded. Stop the recording and quit?"),
        QMessageBox::StandardButtons(QMessageBox::Yes | QMessageBox::Cancel), QMessageBox::Cancel);
    if (answer != QMessageBox::Yes) {
        event->ignore();
        return;
    }
    m_recording->stopAndWait();
    event->accept();
}

void MainWindow::applySettings()
{
    m_review->setReviewer(AppSettings::reviewerName());
    m_review->setLabelSet(AppSettings::labelSet());
}

void MainWindow::refreshSessions()
{
    QString error;
    if (!m_browser->refresh(&error)) {
        statusBar()->showMessage(tr("Cannot read sessions: %1").arg(error));
        return;
    }
    const int count = m_browser->sessionModel()->rowCount();
    // Spelled out rather than "%n session(s)": plural forms need a translation file.
    const QString sessions = count == 1 ? tr("1 session") : tr("%1 sessions").arg(count);
    statusBar()->showMessage(tr("%1 in %2").arg(sessions, m_store.path()));
}

void MainWindow::openSession(const QString& sessionId)
{
    if (sessionId.isEmpty())
        return;
    m_tabs->setTabEnabled(m_tabs->indexOf(m_review), true);
    m_tabs->setCurrentWidget(m_review);
    m_review->openSession(sessionId);
}

void MainWindow::showSettings()
{
    SettingsDialog dialog(this);
    if (dialog.exec() == QDialog::Accepted)
        applySettings();
}

void MainWindow::showExport()
{
    const QString sessionId = m_review->sessionId();
    QString task;
    if (!sessionId.isEmpty()) {
        QString error;
        if (const auto session = m_store.session(sessionId, &error))
            task = QString::fromStdString(session->task());
    }
    ExportDialog dialog(m_store.path(), sessionId, task, this);
    dialog.exec();
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(this, tr("Keyboard shortcuts"),
                             tr("<table>"
                                "<tr><td><b>Enter</b></td><td>open the selected session</td></tr>"
                                "<tr><td><b>Up / Down</b></td><td>previous / next step</td></tr>"
                                "<tr><td><b>−</b></td><td>rate the step −1 (wrong)</td></tr>"
                                "<tr><td><b>0</b></td><td>rate the step 0 (neutral)</td></tr>"
                                "<tr><td><b>+</b> or <b>=</b></td><td>rate the step +1 (good)</td></tr>"
                                "<tr><td><b>N</b></td><td>next step with an error</td></tr>"
                                "<tr><td><b>Ctrl+Return</b></td><td>save labels and rationale</td></tr>"
                                "<tr><td><b>Ctrl+wheel</b></td><td>zoom the timeline</td></tr>"
                                "<tr><td><b>F5</b></td><td>reload sessions</td></tr>"
                                "</table>"));
}

} // namespace trailmark::gui
