#include "capture/CaptureSetup.h"
#include "capture/Recorder.h"
#include "capture/shell/SpoolDirectory.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/EventWriter.h"
#include "store/PrivateFiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFileInfo>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace trailmark::cli {
namespace {

// SIGINT/SIGTERM/SIGHUP (terminal closed) end the recording through the event loop, never inside the handler:
// the handler only writes the signal number into a pipe (async-signal-safe), and a
// QSocketNotifier on the other end quits the loop, after which the session is closed
// and the last batch committed like on any other stop.
int g_signalPipe[2] = {-1, -1};
constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};

void onSignal(int signal)
{
    const int savedErrno = errno;
    const char byte = static_cast<char>(signal);
    [[maybe_unused]] const ssize_t written = ::write(g_signalPipe[1], &byte, 1);
    errno = savedErrno;
}

class SignalQuit
{
public:
    bool install(QString* error)
    {
        if (::pipe2(g_signalPipe, O_CLOEXEC | O_NONBLOCK) != 0) {
            *error = QStringLiteral("cannot create the signal pipe");
            return false;
        }
        struct sigaction action
        {};
        action.sa_handler = onSignal;
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        for (const int signal : kSignals)
            ::sigaction(signal, &action, nullptr);
        m_notifier = std::make_unique<QSocketNotifier>(g_signalPipe[0], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, QCoreApplication::instance(), [] {
            char byte = 0;
            while (::read(g_signalPipe[0], &byte, 1) > 0) {
            }
            QCoreApplication::quit();
        });
        return true;
    }
    ~SignalQuit()
    {
        m_notifier.reset();
        struct sigaction action
        {};
        action.sa_handler = SIG_DFL;
        for (const int signal : kSignals)
            ::sigaction(signal, &action, nullptr);
        for (int& fd : g_signalPipe) {
            if (fd >= 0)
                ::close(fd);
            fd = -1;
        }
    }

private:
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace

int runRecord(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Record a session without the GUI until SIGINT (Ctrl+C), SIGTERM or SIGHUP: window switches and "
        "titles, shell commands, file edits, notes (`trailmark note`), screenshots, and with --gui-actions what is "
        "clicked and typed inside apps. Prints the session id."));
    parser.addHelpOption();
    const QCommandLineOption taskOption(QStringLiteral("task"), QStringLiteral("What you set out to do."),
                                        QStringLiteral("TEXT"));
    const QCommandLineOption noScreenshotsOption(QStringLiteral("no-screenshots"),
                                                 QStringLiteral("Take no screenshots in this session."));
    const QCommandLineOption screenshotDelayOption(
        QStringLiteral("screenshot-delay"),
        QStringLiteral("Milliseconds to wait after a switch before the screenshot, so the window has painted "
                       "(default 300)."),
        QStringLiteral("MS"), QStringLiteral("300"));
    const QCommandLineOption watchOption(
        QStringLiteral("watch"),
        QStringLiteral("Also record file edits under DIR (its git work tree, or DIR itself); repeatable. The work "
                       "trees of recorded commands are watched anyway."),
        QStringLiteral("DIR"));
    const QCommandLineOption excludeDirOption(QStringLiteral("exclude-dir"),
                                              QStringLiteral("Never record edits under DIR; repeatable."),
                                              QStringLiteral("DIR"));
    const QCommandLineOption noEditsOption(QStringLiteral("no-edits"), QStringLiteral("Record no file edits."));
    const QCommandLineOption guiActionsOption(
        QStringLiteral("gui-actions"),
        QStringLiteral("Also record clicks, typing, keys and scrolls inside GUI apps, with the UI element each hit "
                       "(AT-SPI) and a screenshot just before each. Text typed into password fields, terminals and "
                       "excluded windows is never recorded."));
    parser.addOption(taskOption);
    parser.addOption(guiActionsOption);
    parser.addOption(noScreenshotsOption);
    parser.addOption(watchOption);
    parser.addOption(excludeDirOption);
    parser.addOption(noEditsOption);
    parser.addOption(screenshotDelayOption);
    parser.process(context.arguments);
    if (const int status = context.refusePositionalArguments(parser))
        return status;

    capture::RecorderOptions options;
    options.databasePath = context.databasePath;
    options.task = parser.value(taskOption);
    options.screenshots = !parser.isSet(noScreenshotsOption);
    bool delayOk = false;
    const int delayMs = parser.value(screenshotDelayOption).toInt(&delayOk);
    if (!delayOk || delayMs < 0 || delayMs > 60'000)
        return context.usageError(QStringLiteral("--screenshot-delay needs milliseconds between 0 and 60000"));
    options.screenshotDelay = std::chrono::milliseconds(delayMs);
    capture::Recorder recorder(options);
    QObject::connect(&recorder, &capture::Recorder::warning, &recorder, [&context](const QString& message) {
        context.err << "trailmark record: warning: " << message << Qt::endl;
    });
    QObject::connect(&recorder, &capture::Recorder::storageHeld, &recorder, [&context](const QString& reason) {
        context.err << "trailmark record: warning: recording is on hold: " << reason
                    << ". Events not yet written wait in memory and shell commands in the spool; recording goes on "
                       "by itself once the database can be written again"
                    << Qt::endl;
    });
    QObject::connect(&recorder, &capture::Recorder::storageResumed, &recorder, [&context] {
        context.err << "trailmark record: the database takes writes again; recording goes on" << Qt::endl;
    });

    QString error;
    QStringList warnings;
    capture::CaptureChoices choices;
    choices.screenshots = options.screenshots;
    choices.spoolDirectory = capture::spoolDirectory();
    choices.edits = !parser.isSet(noEditsOption);
    choices.guiActions = parser.isSet(guiActionsOption);
    choices.watchDirectories = parser.values(watchOption);
    choices.excludedDirectories = parser.values(excludeDirOption);
    for (const QString& directory : std::as_const(choices.watchDirectories)) {
        if (!QFileInfo(directory).isDir())
            return context.usageError(QStringLiteral("--watch %1: no such directory").arg(directory));
    }
    if (!capture::StandardCapture::addTo(recorder, choices, &warnings, &error))
        return context.fail(error);
    for (const QString& warning : std::as_const(warnings))
        context.err << "trailmark record: warning: " << warning << Qt::endl;

    SignalQuit signalQuit;
    if (!signalQuit.install(&error))
        return context.fail(error);
    if (!recorder.start(&error))
        return context.fail(error);
    for (const QString& interrupted : recorder.interruptedSessions())
        context.err << "trailmark record: session " << interrupted
                    << " was left open by a recorder that was killed; marked interrupted" << Qt::endl;
    context.out << recorder.sessionId() << Qt::endl;
    context.err << "trailmark record: recording into " << context.databasePath << " ("
                << (recorder.runningSources().isEmpty() ? QStringLiteral("notes only")
                                                        : recorder.runningSources().join(QStringLiteral(", ")))
                << "); stop with Ctrl+C" << Qt::endl;

    QCoreApplication::exec();

    const qint64 events = recorder.writer()->committedEvents() + recorder.writer()->pendingEvents();
    const QString sessionId = recorder.sessionId();
    if (!recorder.stop(&error))
        return context.fail(QStringLiteral("session %1 did not close cleanly: %2").arg(sessionId, error));
    context.err << "trailmark record: session " << sessionId << " finished with " << events << " events" << Qt::endl;
    return 0;
}

} // namespace trailmark::cli
