#include "MainWindow.h"

#include "SessionListModel.h"
#include "Store.h"

#include <QAction>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>

namespace trailmark::gui {

MainWindow::MainWindow(Store& store, QWidget* parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_sessions(new SessionListModel(store, this))
    , m_pages(new QStackedWidget(this))
    , m_sessionTable(new QTableView(m_pages))
    , m_emptyState(new QLabel(m_pages))
{
    setWindowTitle(tr("Trailmark"));
    resize(1100, 700);

    m_sessionTable->setObjectName(QStringLiteral("sessionTable"));
    m_sessionTable->setModel(m_sessions);
    m_sessionTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_sessionTable->setSelectionMode(QAbstractItemView::SingleSelection);
    m_sessionTable->setAlternatingRowColors(true);
    m_sessionTable->verticalHeader()->hide();
    m_sessionTable->horizontalHeader()->setSectionResizeMode(SessionListModel::TaskColumn, QHeaderView::Stretch);
    m_sessionTable->horizontalHeader()->setSectionResizeMode(SessionListModel::StartedColumn,
                                                             QHeaderView::ResizeToContents);

    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setTextFormat(Qt::RichText);
    m_emptyState->setText(tr("<h2>No sessions yet</h2>"
                             "<p>A session is a recording of you working on one task: the commands you run, "
                             "the apps you switch to, and the notes you leave.</p>"
                             "<p>Sessions recorded or imported with the <tt>trailmark</tt> command line "
                             "appear here.</p>"));
    m_emptyState->setMargin(48);

    m_pages->addWidget(m_sessionTable);
    m_pages->addWidget(m_emptyState);
    setCentralWidget(m_pages);

    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* reload = fileMenu->addAction(tr("&Reload"), this, &MainWindow::refreshSessions);
    reload->setShortcut(QKeySequence::Refresh);
    fileMenu->addSeparator();
    auto* quit = fileMenu->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    refreshSessions();
}

void MainWindow::refreshSessions()
{
    QString error;
    if (!m_sessions->refresh(&error)) {
        statusBar()->showMessage(tr("Cannot read sessions: %1").arg(error));
        return;
    }
    const int count = m_sessions->rowCount();
    m_pages->setCurrentWidget(count == 0 ? static_cast<QWidget*>(m_emptyState) : m_sessionTable);
    // Spelled out rather than "%n session(s)": plural forms need a translation file.
    const QString sessions = count == 1 ? tr("1 session") : tr("%1 sessions").arg(count);
    statusBar()->showMessage(tr("%1 in %2").arg(sessions, m_store.path()));
}

} // namespace trailmark::gui
