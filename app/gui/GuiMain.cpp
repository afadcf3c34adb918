#include "gui/GuiMain.h"

#include "gui/AppSettings.h"
#include "gui/MainWindow.h"
#include "store/DatabaseOption.h"
#include "store/Store.h"

#include <QApplication>
#include <QIcon>
#include <QMessageBox>

#include <spdlog/spdlog.h>

#include <cstdio>

namespace trailmark::gui {

int runGui(int argc, char* argv[])
{
    // Without a display Qt would abort with a message about plugins; say what to do.
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
        qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs("trailmark: no display (DISPLAY is not set). Run a subcommand (see trailmark --help), or start "
                   "the app inside a desktop session.\n",
                   stderr);
        return 1;
    }
    QApplication application(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Trailmark"));
    QApplication::setDesktopFileName(QStringLiteral("dev.trailmark.Trailmark"));
    QIcon icon;
    icon.addFile(QStringLiteral(":/icons/32x32/apps/dev.trailmark.Trailmark.png"));
    icon.addFile(QStringLiteral(":/icons/256x256/apps/dev.trailmark.Trailmark.png"));
    QApplication::setWindowIcon(icon);

    QStringList arguments = QApplication::arguments();
    QString error;
    QString databasePath = store::paths::takeDatabaseOption(arguments, &error);
    // --db and TRAILMARK_DB win; otherwise the path chosen in Settings, if any.
    const bool chosenHere =
        arguments.size() != QApplication::arguments().size() || qEnvironmentVariableIsSet("TRAILMARK_DB");
    if (!chosenHere && !AppSettings::databasePath().isEmpty())
        databasePath = AppSettings::databasePath();
    auto store = store::Store::open(databasePath, store::Store::Access::ReadWrite, &error);
    if (!store) {
        spdlog::error("cannot open database: {}", error.toStdString());
        QMessageBox::critical(nullptr, QApplication::tr("Trailmark"),
                              QApplication::tr("Trailmark cannot open its database.\n\n%1").arg(error));
        return 1;
    }
    spdlog::info("GUI started on {}", store->path().toStdString());
    MainWindow window(*store);
    window.show();
    return QApplication::exec();
}

} // namespace trailmark::gui
