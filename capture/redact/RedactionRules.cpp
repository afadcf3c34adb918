#include "capture/redact/RedactionRules.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <spdlog/spdlog.h>

namespace trailmark::capture {
namespace {

// Patterns are matched against a Latin-1 view of the bytes (one character per byte, see
// Redactor), so a pattern is turned into the same view: a non-ASCII literal in a user
// pattern ("é") becomes its UTF-8 bytes and still matches.
QString byteView(const QString& pattern)
{
    return QString::fromLatin1(pattern.toUtf8());
}

// The value of an assignment or option: a quoted string (the secret is inside the
// quotes, so they stay) or a bare word. "$VAR" and "$(cmd)" are references, not
// secrets, and an earlier marker is never redacted again.
// A path ("/run/secrets/db", "~/.config/sa.json", "./key.json") names where a secret is,
// and null/none/true/false say there is none ("reset_token = NULL" in SQL).
const QLatin1String kValue(
    R"re((?!\[REDACTED:)(?!<\()(?!["']?(?:~|\.{1,2})?/)(?!["']?(?:null|none|nil|true|false|undefined)(?![\w.-]))(?:"(?!\$)([^"\n]+)"|'([^'\n]+)'|(?!\$)([^\s'"&;|,)}\]]+)))re");
// The same for command-line options, where ',' ')' ']' and '}' can be part of a password.
// Not values: redirections ("--with-token < file"), openssl's "env:VAR"/"file:path"/
// "stdin" references and "pass:$VAR", and docker's "--secret id=x,src=path" (a reference
// to a file). openssl's "pass:SECRET" keeps its "pass:" (quoted or not).
const QLatin1String kOptionValue(
    R"re((?!\[REDACTED:)(?![<>])(?!(?:env|file|fd):)(?!stdin(?![^\s;&|]))(?!["']?pass:["']?\$)(?!(?:id|src|source|type|env|target)=)(?:pass:(?:"(?!\$)([^"\n]+)"|'([^'\n]+)'|(?!\$)([^\s'"&;|]+))|"(?!\$)([^"\n]+)"|'([^'\n]+)'|(?!\$)([^\s'"&;|]+)))re");
// Arguments of the same command: up to the next ';', '&', '|' or end of line, but across
// line continuations ("\" + newline).
const QLatin1String kSameCommand(R"re((?:\\\r?\n|[^\n;&|])*?)re");
// Names of settings whose value is a secret. A name only has to end in one of these
// ("DB_PASSWORD", "client_secret", "GITHUB_TOKEN"); "pass" and "pw" only as a whole
// word or after '_' ("SMTP_PASS", not "bypass"); "OLDPWD" is the previous directory.
const QLatin1String kSecretNames(
    R"re((?:password|passwd|passphrase|(?<![a-z0-9])pass|(?<![a-z0-9])pw|(?<!old)pwd|secret|token|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|auth[_-]?key|client[_-]?secret|credentials))re");

} // namespace

void RedactionRules::addBuiltIn(const char* name, const QString& pattern, std::initializer_list<const char*> keywords,
                                double minEntropy)
{
    RedactionRule rule;
    rule.name = QString::fromLatin1(name);
    rule.pattern.setPattern(pattern);
    // An invalid built-in pattern is a programming error that TestRedactor catches (it
    // checks every rule); it is logged, and kept so that the test sees it.
    if (!rule.pattern.isValid())
        spdlog::error("built-in redaction rule {} is invalid: {} at {}", name, rule.pattern.errorString().toStdString(),
                      rule.pattern.patternErrorOffset());
    rule.pattern.optimize();
    for (const char* keyword : keywords)
        rule.keywords.append(QByteArray(keyword));
    rule.minEntropy = minEntropy;
    m_rules.push_back(std::move(rule));
}

RedactionRules RedactionRules::builtIn()
{
    RedactionRules rules;
    auto r = [&rules](const char* name, const QString& pattern, std::initializer_list<const char*> keywords,
                      double minEntropy = 0) {
        rules.addBuiltIn(name, pattern, keywords, minEntropy);
    };
    const QString value = kValue;
    const QString optionValue = kOptionValue;
    const QString sameCommand = kSameCommand;
    const QString names = kSecretNames;
    // At the start of a line "PASS:" is a test runner's verdict ("PASS: t/basic.sh"),
    // not a setting: the YAML-style rule leaves out the short names.
    QString fieldNames = names;
    fieldNames.remove(QStringLiteral("(?<![a-z0-9])pass|(?<![a-z0-9])pw|"));

    // Private keys (PEM, OpenSSH, PGP): the body between the armour lines, across lines.
    // A block cut off by the output cap (no END line) is redacted to the end.
    r("private-key",
      QStringLiteral(
          R"re(-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\r?\n?([\s\S]*?)\r?\n?(?:-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----|\z))re"),
      {"private key"});
    // GCP service-account JSON: the escaped PEM in "private_key" and its id.
    r("gcp-service-account-key", QStringLiteral(R"re("private_key"[ \t]*:[ \t]*"([^"]+)")re"), {"\"private_key\""});
    r("gcp-service-account-key", QStringLiteral(R"re("private_key_id"[ \t]*:[ \t]*"([0-9a-fA-F]{16,})")re"),
      {"\"private_key_id\""});

    // AWS: access key ids by their prefixes; secret keys and session tokens by name.
    r("aws-access-key",
      QStringLiteral(
          R"re((?<![A-Z0-9])(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}(?![A-Z0-9]))re"),
      {"akia", "asia", "abia", "acca", "a3t", "agpa", "aida", "aipa", "anpa", "anva", "aroa", "apka"});
    r("aws-secret-key",
      QStringLiteral(
          R"re((?i)aws_?(?:secret_?)?(?:access_?)?key["']?(?:[ \t]*[:=][ \t]*|[ \t]+)["']?(?!\[REDACTED:)([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=]))re"),
      {"aws"});
    r("aws-session-token",
      QStringLiteral(
          R"re((?i)aws_?session_?token["']?(?:[ \t]*[:=][ \t]*|[ \t]+)["']?(?!\[REDACTED:)([A-Za-z0-9/+=]{16,}))re"),
      {"session"});

    // "aws configure set [profile.NAME.]aws_secret_access_key VALUE" and the other secret
    // settings, whatever the value's length.
    r("aws-configure-secret",
      QStringLiteral(
          R"re((?i)\baws[ \t]+configure[ \t]+set[ \t]+(?:[A-Za-z0-9_-]+\.)*(?:aws_secret_access_key|aws_session_token|aws_security_token|secret_access_key|session_token)[ \t]+)re") +
          optionValue,
      {"configure"});

    // Google Cloud: API keys, OAuth client secrets and access tokens.
    r("gcp-api-key", QStringLiteral(R"re((?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-]))re"), {"aiza"});
    r("gcp-oauth-secret", QStringLiteral(R"re((?<![A-Za-z0-9_-])GOCSPX-[A-Za-z0-9_-]{28})re"), {"gocspx-"});
    r("gcp-access-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])ya29\.[0-9A-Za-z_-]{20,})re"), {"ya29."});

    // Azure: storage/service-bus keys in connection strings, SAS signatures, Entra ID
    // client secrets ("xxx8Q~...").
    r("azure-storage-key",
      QStringLiteral(R"re((?i)(?:AccountKey|SharedAccessKey)[ \t]*=[ \t]*(?!\[REDACTED:)([A-Za-z0-9+/=]{20,}))re"),
      {"accountkey", "sharedaccesskey"});
    r("azure-sas-token", QStringLiteral(R"re([?&]sig=(?!\[REDACTED:)([A-Za-z0-9%+/=]{20,}))re"), {"sig="});
    r("azure-client-secret",
      QStringLiteral(R"re((?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-]))re"),
      {"q~"});

    // Source forges, chat, payments, registries, AI providers.
    r("github-token", QStringLiteral(R"re((?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_]))re"),
      {"ghp_", "gho_", "ghu_", "ghs_", "ghr_"});
    r("github-token", QStringLiteral(R"re((?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{22,255})re"), {"github_pat_"});
    r("gitlab-token",
      QStringLiteral(R"re((?<![A-Za-z0-9_-])gl(?:pat|ptt|dt|rt|ft|cbt|imt|oas|soat|agent)-[0-9A-Za-z_-]{20,})re"),
      {"glpat-", "glptt-", "gldt-", "glrt-", "glft-", "glcbt-", "glimt-", "gloas-", "glsoat-", "glagent-"});
    r("slack-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])xox[abposre]-[0-9A-Za-z-]{10,})re"), {"xox"});
    r("slack-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)re"), {"xapp-"});
    r("slack-webhook",
      QStringLiteral(R"re(hooks\.slack\.com/(?:services|workflows|triggers)/(?!\[REDACTED:)([A-Za-z0-9+/_-]{20,}))re"),
      {"hooks.slack.com"});
    r("stripe-key", QStringLiteral(R"re((?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test|prod)_[0-9A-Za-z]{10,247})re"),
      {"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_"});
    r("stripe-key", QStringLiteral(R"re((?<![A-Za-z0-9_])whsec_[A-Za-z0-9]{24,})re"), {"whsec_"});
    r("npm-token", QStringLiteral(R"re((?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9]))re"), {"npm_"});
    r("anthropic-key", QStringLiteral(R"re((?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,})re"), {"sk-ant-"});
    // OpenAI keys are random mixed-case with digits; requiring both keeps branch names
    // such as "sk-fix-the-login-page-layout" out.
    r("openai-key",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_-])sk-(?!ant-)(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*[A-Z])(?=[A-Za-z0-9_-]*[0-9])[A-Za-z0-9_-]{20,}(?![A-Za-z0-9_-]))re"),
      {"sk-"});
    r("huggingface-token", QStringLiteral(R"re((?<![A-Za-z0-9_])hf_[A-Za-z0-9]{30,}(?![A-Za-z0-9_]))re"), {"hf_"});
    r("sendgrid-key", QStringLiteral(R"re(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})re"), {"sg."});
    r("pulumi-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])pul-[a-f0-9]{40})re"), {"pul-"});
    r("digitalocean-token", QStringLiteral(R"re((?<![A-Za-z0-9_])do[opr]_v1_[a-f0-9]{64})re"), {"_v1_"});
    r("shopify-token", QStringLiteral(R"re((?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})re"),
      {"shpat_", "shpca_", "shppa_", "shpss_"});
    r("netlify-token", QStringLiteral(R"re((?<![A-Za-z0-9_])nfp_[A-Za-z0-9_]{36})re"), {"nfp_"});
    r("databricks-token", QStringLiteral(R"re((?<![A-Za-z0-9_])dapi[a-f0-9]{32}(?:-\d)?)re"), {"dapi"});
    r("gitlab-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])GR1348941[0-9A-Za-z_-]{20,})re"), {"gr1348941"});
    r("sentry-token", QStringLiteral(R"re((?<![A-Za-z0-9_])sntrys_eyJ[A-Za-z0-9+/=_-]{30,})re"), {"sntrys_"});
    r("sentry-token", QStringLiteral(R"re((?<![A-Za-z0-9_])sntryu_[a-f0-9]{64}(?![A-Za-z0-9]))re"), {"sntryu_"});
    // A DSN's key is its user name (no ':'): https://KEY@o123.ingest.sentry.io/456.
    r("sentry-dsn", QStringLiteral(R"re((?i)https?://([0-9a-f]{32})(?::[0-9a-f]{32})?@[A-Za-z0-9.-]*sentry)re"),
      {"sentry"});
    // Twilio account and API key SIDs: "AC"/"SK" and exactly 32 lowercase hex digits.
    r("twilio-key", QStringLiteral(R"re((?<![A-Za-z0-9_])(?:AC|SK)[0-9a-f]{32}(?![A-Za-z0-9_]))re"), {"ac", "sk"});
    r("docker-token", QStringLiteral(R"re((?<![A-Za-z0-9_])dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,})re"), {"dckr_"});
    r("pypi-token", QStringLiteral(R"re((?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{40,})re"), {"pypi-"});
    r("vault-token", QStringLiteral(R"re((?<![A-Za-z0-9_.-])hv[sbr]\.[A-Za-z0-9_-]{24,})re"), {"hvs.", "hvb.", "hvr."});
    r("age-secret-key", QStringLiteral(R"re(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})re"),
      {"age-secret-key-"});
    r("jwt", QStringLiteral(R"re((?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)re"),
      {"eyj"});

    // Credentials in URLs: scheme://user:PASSWORD@host keeps user and host. A password
    // may itself hold '@' (the last '@' before the path ends it), or, without '@', the
    // '/', '#' and '?' a generated password has ("aB3/xY+9z=="), unless it starts as a
    // port does ("https://host:8080/a@b" is a path).
    r("url-credentials",
      QStringLiteral(
          R"re(://[^\s:/?#@'"]*:(?!\[REDACTED:)(?!\$)(?:([^\s/?#'"]+)|(?![0-9]{1,5}[/?#])([^\s@'"]+))@(?=[A-Za-z0-9\[]))re"),
      {"://"});
    // HTTP headers (curl -H, wget --header, httpie) and bearer tokens anywhere. The scheme
    // is any word (Bearer, Basic, token, SSWS, ...) or none; it is taken possessively, so
    // "Bearer $TOKEN" is a reference, not a secret named "Bearer".
    r("authorization-header",
      QStringLiteral(
          R"re((?i)\bauthorization["']?[ \t]*[:=][ \t]*(?:[A-Za-z][A-Za-z0-9_-]*+[ \t]++)?+(?!\[REDACTED:)(?!\$)([A-Za-z0-9._~+/=-]{8,}))re"),
      {"authorization"});
    r("bearer-token", QStringLiteral(R"re((?i)\bbearer[ \t]+(?!\[REDACTED:)([A-Za-z0-9._~+/-]{16,}=*))re"), {"bearer"});
    r("api-key-header",
      QStringLiteral(
          R"re((?i)\b(?:x-api-key|api-key|x-auth-token|private-token|x-access-token|x-goog-api-key|ocp-apim-subscription-key)["']?[ \t]*:[ \t]*(?!\[REDACTED:)(?!\$)([A-Za-z0-9._~+/=-]{8,}))re"),
      {"api-key", "auth-token", "private-token", "access-token", "subscription-key"});
    r("curl-user",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_-])(?:curl|wget)(?![A-Za-z0-9_-])[^\n;&|]*?[ \t](?:-u|--user|--proxy-user|-U)(?:[ \t]+|=)?["']?(?!\$)[^\s:'"]*:(?!\[REDACTED:)([^\s'"]+))re"),
      {"curl", "wget"});

    // Passwords on command lines: --password X, --password=X, -pass X, --token X, also
    // with a prefix (--db-password, --http-password, --github-token) and keytool's
    // -storepass. "--password-stdin" and "--password-file" name no secret, nor do flags
    // that ask for one ("--ask-vault-pass", "--no-password", "--with-token"); a following
    // option ("--password --verbose") is not a value.
    r("password-option",
      QStringLiteral(
          R"re((?i)(?<![A-Za-z0-9_-])--?(?!(?:no|ask|prompt|with|skip|use|show|read|from|print|generate|rotate|reset|revoke|create|require|random|save|store)-)(?:[a-z0-9]+-){0,3}(?:password|passwd|pass|passin|passout|passphrase|pwd|token|secret|api-key|apikey|auth-token|access-token|client-secret|storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass)(?:=|(?:[ \t]|\\\r?\n)+)(?!-))re") +
          optionValue,
      {"pass", "pwd", "token", "secret", "api-key", "apikey"});
    // Tools that take the password in -p: mysql-like clients (-pSECRET; "-p SECRET" is
    // redacted too although mysql would read SECRET as the database: on a command line
    // we cannot tell, and redacting a database name costs little), mongo shells,
    // sshpass, atuin login. Only after the tool's name, so "ls -p" and "mkdir -p" stay.
    const QString mysqlFamily = QStringLiteral(
        R"re((?<![A-Za-z0-9_./-])(?:mysql|mysqldump|mysqladmin|mysqlimport|mysqlshow|mysqlcheck|mysqlpump|mysqlsh|mysqlbinlog|mariadb|mariadb-dump|mariadb-admin)(?![A-Za-z0-9_-]))re");
    r("cli-password", mysqlFamily + sameCommand + QStringLiteral(R"re([ \t]-p)re") + optionValue, {"mysql", "mariadb"});
    // "mysql -p orders" prompts and opens the database "orders": a plain name after a
    // separate -p stays; "-p hunter2" is most likely a password typed in the wrong place.
    r("cli-password",
      mysqlFamily + sameCommand + QStringLiteral(R"re([ \t]-p(?:[ \t]|\\\r?\n)+(?!-)(?![A-Za-z_]+(?![^\s;&|])))re") +
          optionValue,
      {"mysql", "mariadb"});
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])(?:mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport|sshpass|atuin)(?![A-Za-z0-9_-]))re") +
          sameCommand + QStringLiteral(R"re([ \t]-p(?:(?:[ \t]|\\\r?\n)+(?!-))?)re") + optionValue,
      {"mongo", "sshpass", "atuin"});
    // Logins that take the password in -p: registries (docker, podman, nerdctl, buildah,
    // skopeo, oras, helm registry) and the Azure CLI (`az login -u NAME -p SECRET`).
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])(?:docker|podman|nerdctl|buildah|skopeo|oras|helm|crane|regctl|az)(?![A-Za-z0-9_-]))re") +
          sameCommand + QStringLiteral(R"re([ \t]login(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t]-p(?:(?:[ \t]|\\\r?\n)+(?!-))?)re") + optionValue,
      {"login"});
    // htpasswd -b takes the password as its last argument ("-b FILE USER PASS", "-nb USER
    // PASS").
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])htpasswd(?=[^\n;&|]*[ \t]-[A-Za-z]*b)(?:[ \t]+(?:'[^'\n]*'|"[^"\n]*"|[^\s'"&;|<>]+))*?[ \t]+)re") +
          optionValue + QStringLiteral(R"re([ \t]*(?=[\n;&|<>]|$))re"),
      {"htpasswd"});
    // Archivers: 7z -pSECRET, zip/unzip -P SECRET.
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])7z[az]?(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t]-p(?=[^\s-]))re") + optionValue,
      {"7z"});
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])(?:zip|unzip|zipcloak)(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t]-P[ \t]*(?!-))re") + optionValue,
      {"zip"});
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])redis-cli(?![A-Za-z0-9_-])[^\n;&|]*?[ \t]-a[ \t]+(?!-))re") + optionValue,
      {"redis-cli"});
    // LDAP tools take the bind password in -w.
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])ldap(?:search|add|modify|delete|whoami|passwd|compare|modrdn)(?![A-Za-z0-9_-])[^\n;&|]*?[ \t]-w[ \t]*(?!-))re") +
          optionValue,
      {"ldap"});
    // SQL Server and IPMI tools take the password in -P (their -p is something else).
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])(?:sqlcmd|bcp|osql|isql|ipmitool)(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t]-P[ \t]*(?!-))re") + optionValue,
      {"sqlcmd", "bcp", "osql", "isql", "ipmitool"});
    // openssl's legacy "-k PASSWORD" (enc); "-kfile" names a file.
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])openssl(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t]-k[ \t]+(?!-))re") + optionValue,
      {"openssl"});
    // FreeRDP's "/p:SECRET" and rdesktop's "-p SECRET" ("-p -" prompts).
    r("cli-password",
      QStringLiteral(R"re((?<![A-Za-z0-9_./-])(?:[a-z]*freerdp[0-9]*|rdesktop)(?![A-Za-z0-9_-]))re") + sameCommand +
          QStringLiteral(R"re([ \t](?:/p(?:assword)?:|-p[ \t]+(?!-)))re") + optionValue,
      {"freerdp", "rdesktop"});
    // Samba's "-U user%SECRET" / "--user=user%SECRET" (the part after '%').
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])(?:smbclient|rpcclient|smbcacls|smbget|smbmap|smbtree|net|mount\.cifs)(?![A-Za-z0-9_-]))re") +
          sameCommand +
          QStringLiteral(
              R"re([ \t](?:-U|--user|--username)(?:[ \t]+|=)(?:'[^'%\n]*%(?!\$)([^'\n]+)'|"[^"%\n]*%(?!\$)([^"\n]+)"|[^\s%'"]*%(?!\$)(?!\[REDACTED:)([^\s'"&;|]+)))re"),
      {"smb", "rpcclient", "net", "cifs"});
    // RabbitMQ's "add_user NAME SECRET" and "change_password NAME SECRET".
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_./-])rabbitmqctl(?![A-Za-z0-9_-])[^\n;&|]*?[ \t](?:add_user|change_password)[ \t]+[^\s;&|]+[ \t]+)re") +
          optionValue,
      {"rabbitmqctl"});
    // "echo 'user:SECRET' | chpasswd".
    r("cli-password",
      QStringLiteral(
          R"re((?<![A-Za-z0-9_-])(?:echo|printf)(?:[ \t]+-[neE]+)*[ \t]+(?:'[^':\n]*:(?!\$)([^'\n]+)'|"[^":\n]*:(?!\$)([^"\n]+)"|[^\s:'"]*:(?!\$)([^\s'"&;|]+))[ \t]*\|[ \t]*(?:sudo[ \t]+)?chpasswd)re"),
      {"chpasswd"});
    rules.addFedSecretRules();

    // .netrc and ftp-style "login NAME password SECRET".
    r("netrc-password", QStringLiteral(R"re((?i)\blogin[ \t]+\S+[ \t]+password[ \t]+(?!\[REDACTED:)(\S+))re"),
      {"login"});

    // Assignments and fields whose name says secret: PASSWORD=x, export API_KEY="x",
    // "token": "x" (JSON), "  password: x" (YAML, at the start of a line only, so prose
    // such as "fix: token: refresh" in a commit message stays).
    r("secret-assignment", QStringLiteral(R"re((?i))re") + names + QStringLiteral(R"re(["']?[ \t]*=[ \t]*)re") + value,
      {"pass", "pwd", "secret", "token", "key", "credentials"});
    r("secret-assignment",
      QStringLiteral(
          R"re((?i)(?<=[A-Za-z0-9])[_-]key["']?[ \t]*=[ \t]*["']?(?!\[REDACTED:)(?!\$)(?![/~.])([A-Za-z0-9+/_.=-]{16,}))re"),
      {"key"});
    // A name that holds SECRET or PASSWORD anywhere ("SECRET_KEY_BASE", "DB_PASSWORD_PROD"),
    // except names of where a secret is or what it is called ("*_FILE", "*_PATH",
    // "*_NAME", "*_ID", "*_ARN"...).
    r("secret-assignment",
      QStringLiteral(
          R"re((?i)(?:secret|passwd|password)[A-Za-z0-9_]*(?<!_file|_path|_dir|_name|_id|_arn|_ref|_url|_len|_length|_min|_max|_count|_policy|_prompt)["']?[ \t]*=[ \t]*)re") +
          value,
      {"secret", "passwd", "password"});
    // fish "set -x NAME VALUE" (any flags) and csh "setenv NAME VALUE". "(cmd)" is fish's
    // command substitution, not a secret; "SET name = value" is SQL (the rule above).
    r("secret-assignment",
      QStringLiteral(R"re((?i)(?<![A-Za-z0-9_-])(?:set(?:[ \t]+-[A-Za-z]+)*|setenv)[ \t]+[A-Za-z0-9_]*)re") + names +
          QStringLiteral(R"re([ \t]+(?![(=]))re") + value,
      {"pass", "pwd", "secret", "token", "key", "credentials"});
    r("secret-field",
      QStringLiteral(R"re((?i)"[A-Za-z0-9_.-]*)re") + names +
          QStringLiteral(R"re("[ \t]*:[ \t]*"(?!\[REDACTED:)(?!\$)([^"\n]+)")re"),
      {"pass", "pwd", "secret", "token", "key", "credentials"});
    r("secret-field",
      QStringLiteral(R"re((?im)^[ \t-]*["']?[A-Za-z0-9_.-]*)re") + fieldNames +
          QStringLiteral(R"re(["']?[ \t]*:[ \t]+)re") + value,
      {"pass", "pwd", "secret", "token", "key", "credentials"});

    // Gitleaks' generic-api-key, our way: a name holding key, token, secret, auth,
    // credential or password ("api", "access" and "client" add nothing: "api_key",
    // "access_token" and "client_secret" hold the others, and "api" wakes on every URL), then "=", ":", ":=", "=>" or a
    // space, then a random value: 16 to 150 characters with upper case, lower case and digits, of Shannon entropy at
    // least 3.5 bits per character. Mixed case keeps hashes, UUIDs, digests, GPG ids and words out; lower-case hex
    // secrets are caught by name above.
    r("generic-secret",
      QStringLiteral(
          R"re((?i)(?:key|token|secret|passw(?:or)?d|credential|auth)[A-Za-z0-9_.-]{0,20}["']?(?:[ \t]*(?::=|=>|[:=])[ \t]*|[ \t]+)["']?(?!\[REDACTED:)(?![/~.])(?-i)(?=[A-Za-z0-9_.=+/~-]*[A-Z])(?=[A-Za-z0-9_.=+/~-]*[a-z])(?=[A-Za-z0-9_.=+/~-]*[0-9])([A-Za-z0-9_.=+/~-]{16,150})(?![A-Za-z0-9_.=+/~-]))re"),
      {"key", "token", "secret", "passw", "credential", "auth"}, 3.5);
    return rules;
}

QString RedactionRules::defaultUserFile()
{
    QString configHome = qEnvironmentVariable("XDG_CONFIG_HOME");
    if (configHome.isEmpty() || QDir::isRelativePath(configHome))
        configHome = QDir::homePath() + QStringLiteral("/.config");
    return configHome + QStringLiteral("/trailmark/redact.conf");
}

std::optional<RedactionRules> RedactionRules::load(QString* error)
{
    RedactionRules rules = builtIn();
    if (!rules.addUserFile(defaultUserFile(), error))
        return std::nullopt;
    return rules;
}

bool RedactionRules::addUserRule(const QString& name, const QString& pattern, QString* error)
{
    static const QRegularExpression validName(QStringLiteral(R"(\A[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}\z)"));
    if (!validName.match(name).hasMatch()) {
        *error = QStringLiteral("rule name '%1' is not valid: use up to 64 letters, digits and _.:-").arg(name);
        return false;
    }
    if (pattern.isEmpty()) {
        *error = QStringLiteral("rule '%1' has an empty pattern").arg(name);
        return false;
    }
    RedactionRule rule;
    rule.name = name;
    rule.pattern.setPattern(byteView(pattern));
    if (!rule.pattern.isValid()) {
        *error = QStringLiteral("rule '%1': invalid regular expression: %2 at offset %3")
                     .arg(name, rule.pattern.errorString())
                     .arg(rule.pattern.patternErrorOffset());
        return false;
    }
    // A pattern that matches the empty string would "redact" nothing everywhere.
    if (rule.pattern.match(QString()).hasMatch()) {
        *error = QStringLiteral("rule '%1': the pattern matches empty text").arg(name);
        return false;
    }
    rule.pattern.optimize();
    rule.widenToUtf8 = true;
    m_rules.push_back(std::move(rule));
    return true;
}

bool RedactionRules::addUserFile(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.exists())
        return true;
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    RedactionRules added; // all or nothing: a file with a bad line adds no rule
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype equals = line.indexOf(QLatin1Char('='));
        if (equals < 0) {
            *error = QStringLiteral("%1:%2: expected 'name = regex'").arg(path).arg(lineNumber);
            return false;
        }
        QString why;
        if (!added.addUserRule(line.left(equals).trimmed(), line.mid(equals + 1).trimmed(), &why)) {
            *error = QStringLiteral("%1:%2: %3").arg(path).arg(lineNumber).arg(why);
            return false;
        }
    }
    for (auto& rule : added.m_rules)
        m_rules.push_back(std::move(rule));
    return true;
}

} // namespace trailmark::capture
