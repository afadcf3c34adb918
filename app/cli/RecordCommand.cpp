#include "capture/CaptureSetup.h"
#include "capture/Recorder.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "cli/SourceFlags.h"
#include "store/EventWriter.h"
#include "store/PrivateFiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>
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
    parser.setApplicationDescription(
        QStringLiteral("Record a session without the GUI until SIGINT (Ctrl+C), SIGTERM or SIGHUP: %1. Prints the "
                       "session id.")
            .arg(SourceFlags::whatIsRecorded()));
    parser.addHelpOption();
    const QCommandLineOption taskOption(QStringLiteral("task"), QStringLiteral("What you set out to do."),
                                        QStringLiteral("TEXT"));
    parser.addOption(taskOption);
    // What is captured: every source's flags, as the source registry declares them.
    const SourceFlags sourceFlags;
    sourceFlags.addTo(parser);
    parser.process(context.arguments);
    if (const int status = context.refusePositionalArguments(parser))
        return status;
    QString error;
    const std::optional<capture::SourceChoices> choices = sourceFlags.choices(parser, &error);
    if (!choices)
        return context.usageError(error);

    capture::RecorderOptions options;
    options.databasePath = context.databasePath;
    options.task = parser.value(taskOption);
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

    QStringList warnings;
    if (!capture::StandardCapture::addTo(recorder, *choices, &warnings, &error))
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
