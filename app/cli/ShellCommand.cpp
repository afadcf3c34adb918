#include "capture/RecorderControl.h"
#include "capture/pty/OutputCapture.h"
#include "capture/pty/PtyShell.h"
#include "capture/redact/RedactionRules.h"
#include "capture/redact/Redactor.h"
#include "capture/shell/ShellIntegration.h"
#include "capture/shell/ShellSessionRouter.h"
#include "capture/shell/SpoolDirectory.h"
#include "capture/shell/SpoolIngester.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/EventWriter.h"
#include "store/PrivateFiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHash>
#include <QProcessEnvironment>
#include <QSaveFile>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <unistd.h>

namespace trailmark::cli {
namespace {

bool writePrivateFile(const QString& path, const QByteArray& content, QString* error)
{
    if (!store::privatefiles::ensureFile(path, error))
        return false;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(content) != content.size()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

// Makes the shell load the hooks after the user's own startup files, without touching
// those files. Returns the program to run; nullopt with *error on failure.
std::optional<QStringList> withHooks(const QString& shell, QStringList program, const QString& directory,
                                     QProcessEnvironment& environment, QString* error)
{
    const auto script = capture::shellintegration::script(shell, directory);
    const QString init = directory + QStringLiteral("/init.") + shell;
    if (!script || !writePrivateFile(init, *script, error))
        return std::nullopt;
    const QString quotedInit =
        QLatin1Char('\'') + QString(init).replace(QLatin1String("'"), QLatin1String("'\\''")) + QLatin1Char('\'');
    if (shell == QLatin1String("bash")) {
        const QString rc = directory + QStringLiteral("/bashrc");
        if (!writePrivateFile(rc, "[ -f ~/.bashrc ] && . ~/.bashrc\n. " + quotedInit.toLocal8Bit() + "\n", error))
            return std::nullopt;
        QStringList arguments = program.mid(1);
        if (arguments.isEmpty())
            arguments = {QStringLiteral("-i")};
        return QStringList{program.first(), QStringLiteral("--rcfile"), rc} + arguments;
    }
    if (shell == QLatin1String("zsh")) {
        // zsh reads its rc files from $ZDOTDIR: ours load the user's, then the hooks.
        const QString userDirectory = environment.value(QStringLiteral("ZDOTDIR"), QDir::homePath());
        const QByteArray user = QFile::encodeName(userDirectory).replace("'", "'\\''");
        if (!writePrivateFile(directory + QStringLiteral("/.zshenv"),
                              "[[ -f '" + user + "/.zshenv' ]] && source '" + user + "/.zshenv'\n", error) ||
            !writePrivateFile(directory + QStringLiteral("/.zshrc"),
                              "ZDOTDIR='" + user + "'\n[[ -f $ZDOTDIR/.zshrc ]] && source $ZDOTDIR/.zshrc\nsource " +
                                  quotedInit.toLocal8Bit() + "\n",
                              error))
            return std::nullopt;
        environment.insert(QStringLiteral("ZDOTDIR"), directory);
        return program;
    }
    if (shell == QLatin1String("fish")) {
        const QString fishInit = QLatin1Char('\'') +
                                 QString(init)
                                     .replace(QLatin1String("\\"), QLatin1String("\\\\"))
                                     .replace(QLatin1String("'"), QLatin1String("\\'")) +
                                 QLatin1Char('\'');
        return QStringList{program.first(), QStringLiteral("--init-command"), QStringLiteral("source ") + fishInit} +
               program.mid(1);
    }
    *error = QStringLiteral("no shell integration for '%1'").arg(shell);
    return std::nullopt;
}

// What --fall-back does when Trailmark cannot watch the terminal: the shell the user
// asked for, with its commands still recorded by the rc file's hooks but no output, so
// a terminal whose rc file starts `trailmark shell` never closes at once. The variable
// keeps that rc file from starting `trailmark shell` again.
int runPlainShell(CommandContext& context, const QStringList& program)
{
    context.err << "trailmark shell: running " << program.first() << " without output capture" << Qt::endl;
    context.out.flush();
    qputenv("TRAILMARK_CAPTURE_OUTPUT", "0");
    capture::ExecArguments argv(program, true);
    ::execvp(argv.data()[0], argv.data());
    return context.fail(
        QStringLiteral("cannot run %1: %2").arg(program.first(), QString::fromLocal8Bit(std::strerror(errno))));
}

} // namespace

// The shell's spool goes to a private subdirectory "pty-<our pid>" of the spool
// directory, which only this process ingests, so output and command meet in one
// CommandFinished; records land where `trailmark ingest` puts them (ShellSessionRouter).
int runShell(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Run your shell ($SHELL, else bash) on a terminal that Trailmark watches: every command is\n"
                       "recorded with its output (stdout and stderr as shown, escape sequences removed; the\n"
                       "first and last $TRAILMARK_OUTPUT_CAP bytes, default 64 KiB each). Exits with the\n"
                       "shell's exit status. Example: trailmark shell -- zsh"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("SHELL"), QStringLiteral("The shell and its arguments, after --."),
                                 QStringLiteral("[-- SHELL [ARGS...]]"));
    const QCommandLineOption fallBack(QStringLiteral("fall-back"),
                                      QStringLiteral("When the terminal cannot be watched (database, redaction rules, "
                                                     "pty), run the shell without output capture instead of failing "
                                                     "(what `trailmark init SHELL --capture-output` uses)."));
    parser.addOption(fallBack);
    parser.process(context.arguments);
    QStringList program = parser.positionalArguments();
    if (program.isEmpty()) {
        const QString userShell = qEnvironmentVariable("SHELL");
        program = {userShell.isEmpty() ? QStringLiteral("bash") : userShell};
    }
    const QString shell = QFileInfo(program.first()).fileName();

    // Secrets are redacted before anything is stored; a broken rules file stops here
    // rather than letting through what its rules should catch.
    QString rulesError;
    const auto rules = capture::RedactionRules::load(&rulesError);
    const auto giveUp = [&](const QString& why) {
        if (!parser.isSet(fallBack))
            return context.fail(why);
        if (!why.isEmpty())
            context.err << "trailmark shell: " << why << Qt::endl;
        return runPlainShell(context, program);
    };
    if (!rules)
        return giveUp(rulesError);
    const capture::Redactor redactor(*rules);
    auto store = context.openStore(store::Store::Access::ReadWrite);
    if (!store)
        return parser.isSet(fallBack) ? giveUp({}) : 1;
    QString error;
    const QString spool = capture::spoolDirectory() + QStringLiteral("/pty-%1").arg(QCoreApplication::applicationPid());
    if (!store::privatefiles::ensureDirectory(spool, &error))
        return giveUp(error);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), spool);
    environment.insert(QStringLiteral("TRAILMARK_PTY"), QStringLiteral("1"));
    const auto hooked = withHooks(shell, program, spool, environment, &error);
    if (!hooked)
        context.err << "trailmark shell: warning: " << error << "; commands are not recorded" << Qt::endl;
    const QStringList command = hooked.value_or(program);

    store::EventWriter writer(*store);
    capture::ShellSessionRouter router(*store, writer);
    router.addFilter(&redactor);
    if (!router.prepare(&error))
        return giveUp(error);

    // Output of the command between its C and D marks, by command id.
    const qsizetype cap = capture::OutputCapture::capFromEnvironment();
    QHash<QByteArray, capture::OutputCapture> finishedOutput;
    std::optional<capture::OutputCapture> current;
    QByteArray currentId;
    // While a recording runs, this terminal stores its commands into the recording's
    // session itself; the recorder hears of each one first, for the sources that follow
    // commands (its file edits watch the command's work tree and are the command's own).
    const QString databasePath = context.databasePath;
    const auto tellRecorder = [databasePath](const v1::Event& event) {
        if (!event.has_command_started() && !event.has_command_finished())
            return;
        const std::string bytes = event.SerializeAsString();
        const QJsonObject request{
            {QStringLiteral("request"), QStringLiteral("shell-event")},
            {QStringLiteral("event"),
             QString::fromLatin1(QByteArray(bytes.data(), static_cast<qsizetype>(bytes.size())).toBase64())}};
        QString why;
        // Short: a recorder that does not answer must not hold up the terminal.
        const auto answer = capture::recordercontrol::send(databasePath, request, 300, &why);
        if (!answer || !answer->value(QStringLiteral("ok")).toBool())
            spdlog::debug("the recorder did not take a shell event: {}",
                          (answer ? answer->value(QStringLiteral("error")).toString() : why).toStdString());
    };
    router.setRecordingPreview(tellRecorder);
    capture::SpoolIngester ingester(
        spool, [&router](const capture::SpoolFileName& name, QString* why) { return router.sinkFor(name, why); },
        [&writer](QString* why) { return writer.flush(why); });
    ingester.setFinishedHook([&finishedOutput](v1::CommandFinished& finished) {
        const QByteArray id = QByteArray::fromStdString(finished.command_id());
        const auto found = finishedOutput.constFind(id);
        if (found != finishedOutput.cend()) {
            found->fillInto(finished);
            finishedOutput.erase(found);
        }
    });
    QStringList warnings;
    bool failed = false;
    const auto ingest = [&] {
        capture::SpoolIngester::Result result;
        QString why;
        if (!ingester.ingestAll(&result, &why)) {
            spdlog::error("trailmark shell: {}", why.toStdString());
            warnings.append(why);
            failed = true;
        }
        warnings.append(result.warnings);
    };

    capture::PtyShell pty(
        [&](QByteArrayView text) {
            if (current)
                current->append(text);
        },
        [&](const capture::TerminalStreamParser::Mark& mark) {
            if (mark.kind == 'C') {
                current.emplace(cap);
                currentId = mark.commandId;
            } else if (mark.kind == 'D') {
                if (current && !currentId.isEmpty() && (mark.commandId.isEmpty() || mark.commandId == currentId)) {
                    current->finish();
                    finishedOutput.insert(currentId, std::move(*current));
                }
                current.reset();
                currentId.clear();
                // The hook wrote the end record before printing D.
                ingest();
            }
        });
    const QStringList childEnvironment = environment.toStringList();
    if (!pty.start(command, childEnvironment, &error))
        return giveUp(error);
    const int status = pty.waitForExit();
    ingest();
    if (!router.finish(&error)) {
        warnings.append(error);
        failed = true;
    }
    for (const QString& name : {QStringLiteral("init.bash"), QStringLiteral("init.zsh"), QStringLiteral("init.fish"),
                                QStringLiteral("bashrc"), QStringLiteral(".zshrc"), QStringLiteral(".zshenv")})
        QFile::remove(spool + QLatin1Char('/') + name);
    QDir().rmdir(spool); // only when empty: what could not be ingested stays for `trailmark ingest`
    for (const QString& warning : std::as_const(warnings))
        context.err << "trailmark shell: warning: " << warning << Qt::endl;
    if (failed)
        context.err << "trailmark shell: some commands were not stored; run `trailmark ingest` to retry" << Qt::endl;
    return status;
}

} // namespace trailmark::cli
