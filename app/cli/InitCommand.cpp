#include "capture/shell/ShellIntegration.h"
#include "capture/shell/SpoolDirectory.h"
#include "cli/CommandContext.h"
#include "cli/Commands.h"
#include "store/PrivateFiles.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace trailmark::cli {

int runInit(CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Print the shell integration that records every command, for your shell's rc file:\n"
                       "  bash (~/.bashrc):                eval \"$(trailmark init bash --capture-output)\"\n"
                       "  zsh (~/.zshrc):                  eval \"$(trailmark init zsh --capture-output)\"\n"
                       "  fish (~/.config/fish/config.fish): trailmark init fish --capture-output | source\n"
                       "Put it last, after anything that sets PROMPT_COMMAND or a DEBUG trap.\n"
                       "Commands go to the spool directory ($TRAILMARK_SPOOL_DIR, else\n"
                       "$XDG_RUNTIME_DIR/trailmark) until the recorder or `trailmark ingest` stores them.\n"
                       "A command line that starts with a space is not recorded.\n"
                       "With --capture-output each interactive shell on a terminal becomes `trailmark shell`\n"
                       "running that shell, so every command's output is kept too (TRAILMARK_CAPTURE_OUTPUT=0\n"
                       "skips that for one shell)."));
    parser.addHelpOption();
    const QCommandLineOption captureOutput(
        QStringLiteral("capture-output"),
        QStringLiteral("Run interactive shells under `trailmark shell`, which also keeps each command's output."));
    parser.addOption(captureOutput);
    parser.addPositionalArgument(QStringLiteral("SHELL"), QStringLiteral("bash, zsh or fish"));
    parser.process(context.arguments);
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return context.usageError(QStringLiteral("name one shell: bash, zsh or fish"));
    const QString spool = capture::spoolDirectory();
    const auto script = capture::shellintegration::script(positional.first(), spool);
    if (!script)
        return context.usageError(
            QStringLiteral("unsupported shell '%1' (supported: bash, zsh, fish)").arg(positional.first()));
    // Created here, private, so the hooks never need to fork a mkdir.
    QString error;
    if (!store::privatefiles::ensureDirectory(spool, &error))
        return context.fail(error);
    QByteArray text = *script;
    if (parser.isSet(captureOutput))
        text.prepend(*capture::shellintegration::captureOutputPrelude(positional.first(),
                                                                      QCoreApplication::applicationFilePath()));
    // Raw bytes: the spool path may not be valid in the stream's codec.
    context.out.flush();
    std::fwrite(text.constData(), 1, static_cast<size_t>(text.size()), stdout);
    std::fflush(stdout);
    return 0;
}

} // namespace trailmark::cli
