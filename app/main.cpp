#include "Logging.h"
#include "cli/Cli.h"

#include <QCoreApplication>

#include <spdlog/spdlog.h>

#include <sys/stat.h>

#ifdef TRAILMARK_WITH_GUI
#include "gui/GuiMain.h"
#endif

int main(int argc, char* argv[])
{
    // Everything we create (database, WAL, logs, spool, exports) is the user's alone.
    ::umask(077);
    QCoreApplication::setOrganizationName(QStringLiteral("trailmark"));
    QCoreApplication::setApplicationName(QStringLiteral("trailmark"));
    trailmark::initLogging();

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments.append(QString::fromLocal8Bit(argv[i]));

    if (trailmark::cli::wantsCommandLine(arguments)) {
        QCoreApplication application(argc, argv);
        return trailmark::cli::run(application.arguments());
    }
#ifdef TRAILMARK_WITH_GUI
    return trailmark::gui::runGui(argc, argv);
#else
    return trailmark::cli::run(arguments);
#endif
}
