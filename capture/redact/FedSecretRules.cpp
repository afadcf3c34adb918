#include "capture/redact/RedactionRules.h"

namespace trailmark::capture {
namespace {

// A literal word as the shell reads it: single-quoted (anything), double-quoted without
// an expansion, or bare. "$VAR", "$(cmd)", "<(cmd)" are not literals.
const QLatin1String kLiteral(R"re((?:'([^'\n]+)'|"(?!\$)([^"$\n]+)"|(?![$'"(<\[])([^\s'"&;|<>()]+)))re");
// "echo [-n] " or "printf [-e] '%s\n' ", as people write a value into a pipe.
const QLatin1String kEcho(R"re((?:echo|printf)(?:[ \t]+-[neE]+)*(?:[ \t]+(?:'%s(?:\\n)?'|"%s(?:\\n)?"))?[ \t]+)re");
// Arguments of the same command (as RedactionRules.cpp's kSameCommand).
const QLatin1String kSameCommand(R"re((?:\\\r?\n|[^\n;&|])*?)re");
// What says a command reads a secret on its standard input: "--password-stdin" and its
// kin, gh's "--with-token", gpg's "--passphrase-fd 0", openssl's "-passin stdin",
// "passwd --stdin", "sudo -S", chpasswd, cryptsetup, kinit, and "-" as the file of
// `vault login -` and `docker secret create NAME -`.
const QLatin1String kReadsSecret(
    R"re((?:--(?:password|passwd|pass|passphrase|token|secret)-stdin(?![A-Za-z0-9_-])|--with-token(?![A-Za-z0-9_-])|--passphrase-fd[ \t]+0(?![0-9])|-pass(?:in|out)[ \t]+stdin(?![^\s;&|])|(?<![A-Za-z0-9_./-])(?:passwd|login)[ \t][^\n;&|]*?--stdin(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_./-])(?:chpasswd|cryptsetup|kinit)(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_./-])sudo(?![A-Za-z0-9_-])[^\n;&|<]*?[ \t]-[A-Za-z]*S(?![^\s;&|])|(?<![A-Za-z0-9_./-])(?:vault[ \t]+login|(?:docker|podman)[ \t]+secret[ \t]+create[ \t]+[^\s;&|]+)[ \t]+-(?![^\s;&|])))re");

} // namespace

void RedactionRules::addFedSecretRules()
{
    const QString literal = kLiteral;
    const QString echo = kEcho;
    const QString sameCommand = kSameCommand;
    const QString readsSecret = kReadsSecret;
    // `"$(echo SECRET)"`: a command substitution that only prints a literal.
    const QString printedLiteral =
        QStringLiteral(R"re("?\$\([ \t]*)re") + echo + literal + QStringLiteral(R"re([ \t]*\)"?)re");

    // A here-string into a command that reads a secret: `docker login --password-stdin
    // <<< SECRET`, `sudo -S cmd <<< 'SECRET'`, `<<<"$(echo SECRET)"`. Other here-strings
    // (`bc <<< '2^32'`, `sha256sum -c <<< 'HASH  file'`) feed data, not secrets.
    addBuiltIn("fed-secret",
               readsSecret + sameCommand + QStringLiteral(R"re(<<<[ \t]*(?:)re") + printedLiteral +
                   QStringLiteral("|") + literal + QStringLiteral(")"),
               {"<<<"});
    // The same through a pipe: `echo 'SECRET' | docker login --password-stdin`.
    addBuiltIn("fed-secret",
               QStringLiteral(R"re((?<![A-Za-z0-9_-]))re") + echo + literal + QStringLiteral(R"re([ \t]*\|(?=)re") +
                   sameCommand + readsSecret + QStringLiteral(")"),
               {"stdin", "with-token", "passphrase-fd", "chpasswd", "cryptsetup", "kinit", "sudo", "login", "secret"});
    // Process substitution that prints a literal where a secret file is expected: after
    // an option or key that names one (`--password-file <(echo SECRET)`,
    // `--from-file=token=<(printf '%s' SECRET)`) or sshpass's `-f`.
    addBuiltIn(
        "fed-secret",
        QStringLiteral(
            R"re((?:(?i:pass|pwd|secret|token|key|cred|auth)[A-Za-z0-9_.-]*(?:=|[ \t]+)|(?<![A-Za-z0-9_./-])sshpass[ \t]+-f[ \t]*)<\([ \t]*)re") +
            echo + literal + QStringLiteral(R"re([ \t]*\))re"),
        {"<("});
}

} // namespace trailmark::capture
