#include "MainWindow.h"

#include "AppSettings.h"
#include "ExportDialog.h"
#include "ReviewView.h"
#include "SessionBrowser.h"
#include "SettingsDialog.h"
#include "Store.h"

#include <QAction>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>

namespace trailmark::gui {

MainWindow::MainWindow(Store& store, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_tabs(new QTabWidget(this))
    , m_browser(new SessionBrowser(store, this))
    , m_review(new ReviewView(store, this))
{
    setWindowTitle(tr("Trailmark"));
    resize(1200, 760);
    m_tabs->setObjectName(QStringLiteral("mainTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_browser, tr("Sessions"));
    m_tabs->addTab(m_review, tr("Review"));
    m_tabs->setTabEnabled(1, false);
    setCentralWidget(m_tabs);

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* reload = fileMenu->addAction(tr("&Reload"), this, &MainWindow::refreshSessions);
    reload->setShortcut(QKeySequence::Refresh);
    auto* exportAction = fileMenu->addAction(tr("&Export…"), this, &MainWindow::showExport);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    exportAction->setObjectName(QStringLiteral("exportAction"));
    fileMenu->addAction(tr("&Settings…"), this, &MainWindow::showSettings)->setShortcut(QKeySequence::Preferences);
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);
    auto* helpMenu = menuBar()->addMenu(tr("&Help"));
    helpMenu->addAction(tr("&Keyboard shortcuts"), this, &MainWindow::showShortcuts);

    connect(m_browser, &SessionBrowser::sessionActivated, this, &MainWindow::openSession);
    connect(m_review, &ReviewView::statusMessage, this,
            [this](const QString& message) { statusBar()->showMessage(message, 8000); });
    connect(m_review, &ReviewView::sessionChanged, this, [this](const QString& sessionId) {
        refreshSessions();
        m_browser->invalidateStats(sessionId);
    });
    applySettings();
    refreshSessions();
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
    m_tabs->setTabEnabled(1, true);
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
