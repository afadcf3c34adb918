#include "capture/redact/Redactor.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

namespace {

// Marker text for a rule, as stored.
QByteArray m(const char* rule)
{
    return QByteArray("[REDACTED:") + rule + ']';
}

QStringList rulesOf(const google::protobuf::RepeatedPtrField<v1::Redaction>& redactions)
{
    QStringList rules;
    for (const auto& redaction : redactions)
        rules.append(QString::fromStdString(redaction.rule()));
    return rules;
}

} // namespace

class TestRedactor final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInRulesAreValid();
    void redactsText_data();
    void redactsText();
    void recordsWhereMarkersAre();
    void filtersEveryTextFieldOfEveryBody();
    void keepsInvalidUtf8Bytes();
    void isIdempotent();
    void privateKeyBlockAcrossLines();
};

void TestRedactor::builtInRulesAreValid()
{
    const capture::RedactionRules rules = capture::RedactionRules::builtIn();
    QVERIFY(rules.rules().size() >= 40);
    for (const capture::RedactionRule& rule : rules.rules()) {
        QVERIFY2(rule.pattern.isValid(), qPrintable(rule.name + QStringLiteral(": ") + rule.pattern.errorString()));
        QVERIFY2(!rule.keywords.isEmpty(), qPrintable(rule.name)); // every built-in rule is prefiltered
        for (const QByteArray& keyword : rule.keywords)
            QVERIFY2(keyword == keyword.toLower() && keyword.size() >= 2, keyword.constData());
    }
}

void TestRedactor::redactsText_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<QStringList>("rules");
    const QStringList none;

    // --- true positives: each kind of secret, with the text around it kept.
    QTest::newRow("aws access key id") << QByteArray("export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE")
                                       << "export AWS_ACCESS_KEY_ID=" + m("aws-access-key")
                                       << QStringList{QStringLiteral("aws-access-key")};
    QTest::newRow("aws sts key id") << QByteArray("echo ASIAY34FZKBOKMUTVV7A done")
                                    << "echo " + m("aws-access-key") + " done"
                                    << QStringList{QStringLiteral("aws-access-key")};
    QTest::newRow("aws secret key env") << QByteArray(
                                               "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
                                        << "export AWS_SECRET_ACCESS_KEY=" + m("aws-secret-key")
                                        << QStringList{QStringLiteral("aws-secret-key")};
    QTest::newRow("aws secret key configure")
        << QByteArray("aws configure set aws_secret_access_key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
        << "aws configure set aws_secret_access_key " + m("aws-secret-key")
        << QStringList{QStringLiteral("aws-secret-key")};
    QTest::newRow("gcp api key") << QByteArray("curl "
                                               "'https://maps.googleapis.com/maps/api/geocode/"
                                               "json?address=x&key=AIzaN5N1aE6PwZPf1Qh6yYTWmE4lBYOvfZ8UzDz'")
                                 << "curl 'https://maps.googleapis.com/maps/api/geocode/json?address=x&key=" +
                                        m("gcp-api-key") + "'"
                                 << QStringList{QStringLiteral("gcp-api-key")};
    QTest::newRow("gcp service account json")
        << QByteArray(
               R"({"type": "service_account", "private_key_id": "0123456789abcdef0123456789abcdef01234567", )"
               R"("private_key": "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"})")
        << QByteArray(R"({"type": "service_account", "private_key_id": ")") + m("gcp-service-account-key") +
               R"(", "private_key": ")" + m("gcp-service-account-key") + R"("})"
        << QStringList{QStringLiteral("gcp-service-account-key"), QStringLiteral("gcp-service-account-key")};
    QTest::newRow("azure connection string")
        << QByteArray(
               "az storage blob list --connection-string \"DefaultEndpointsProtocol=https;AccountName=acct;"
               "AccountKey=JibaZUPgHV7iB3m03nbqnsGpWLuqIA1id6Vw5DQL05HA064GiIjHGb3CXlMaXZjljENUhJduRHHJEYXg4Jdpmr==;"
               "EndpointSuffix=core.windows.net\"")
        << "az storage blob list --connection-string \"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=" +
               m("azure-storage-key") + ";EndpointSuffix=core.windows.net\""
        << QStringList{QStringLiteral("azure-storage-key")};
    QTest::newRow("azure client secret")
        << QByteArray("az login --service-principal -u app -p abc8Q~Zx9yW3vU2tS1rQ0pO9nM8lK7jI6hG5fE")
        << "az login --service-principal -u app -p " + m("azure-client-secret")
        << QStringList{QStringLiteral("azure-client-secret")};
    QTest::newRow("github classic token")
        << QByteArray("git push https://ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d@github.com/o/r")
        << "git push https://" + m("github-token") + "@github.com/o/r" << QStringList{QStringLiteral("github-token")};
    QTest::newRow("github token in env") << QByteArray("export GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d")
                                         << "export GITHUB_TOKEN=" + m("github-token")
                                         << QStringList{QStringLiteral("github-token")};
    QTest::newRow("github fine-grained token")
        << QByteArray(
               "echo 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 | "
               "gh auth login --with-token")
        << "echo " + m("github-token") + " | gh auth login --with-token" << QStringList{QStringLiteral("github-token")};
    QTest::newRow("gitlab token") << QByteArray("glab auth login --hostname gitlab.com -t glpat-Y40uvSwMFLZDe1f8rESQ")
                                  << "glab auth login --hostname gitlab.com -t " + m("gitlab-token")
                                  << QStringList{QStringLiteral("gitlab-token")};
    QTest::newRow("slack bot token") << QByteArray(
                                            "SLACK=xoxb-123456789012-1234567890123-V8fUkkibjL5DZPjN0MEQ7wjJ ./bot")
                                     << "SLACK=" + m("slack-token") + " ./bot"
                                     << QStringList{QStringLiteral("slack-token")};
    QTest::newRow("slack webhook")
        << QByteArray(
               "curl -X POST -d '{}' https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX")
        << "curl -X POST -d '{}' https://hooks.slack.com/services/" + m("slack-webhook")
        << QStringList{QStringLiteral("slack-webhook")};
    QTest::newRow("stripe live key") << QByteArray("stripe listen --api-key sk_live_edUStPKR0CsTy4Qwb8DwkNhF")
                                     << "stripe listen --api-key " + m("stripe-key")
                                     << QStringList{QStringLiteral("stripe-key")};
    QTest::newRow("npm token")
        << QByteArray("npm config set //registry.npmjs.org/:_authToken npm_dnXsiVpzz63FfkCzJr4i0B3JrTAwR4y9ojfl")
        << "npm config set //registry.npmjs.org/:_authToken " + m("npm-token")
        << QStringList{QStringLiteral("npm-token")};
    QTest::newRow("openai key")
        << QByteArray("OPENAI_API_KEY=sk-proj-joQoaF1LlqsajAIxNKu8iS2G8NPRVdD53X83RZJzzzzgEOzd python run.py")
        << "OPENAI_API_KEY=" + m("openai-key") + " python run.py" << QStringList{QStringLiteral("openai-key")};
    QTest::newRow("anthropic key") << QByteArray("curl -H 'x-api-key: "
                                                 "sk-ant-api03-"
                                                 "menCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2FDEEtfjgVvVqE1SkHbn88HxjSI6bWHtP3f"
                                                 "S2qHx6kwXoIIXGvOoNZYW2mZAA' api.anthropic.com")
                                   << "curl -H 'x-api-key: " + m("anthropic-key") + "' api.anthropic.com"
                                   << QStringList{QStringLiteral("anthropic-key")};
    QTest::newRow("hugging face token") << QByteArray(
                                               "huggingface-cli login --token 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")
                                        << "huggingface-cli login --token " + m("huggingface-token")
                                        << QStringList{QStringLiteral("huggingface-token")};
    QTest::newRow("jwt")
        << QByteArray("echo eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."
                      "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c | jwt decode -")
        << "echo " + m("jwt") + " | jwt decode -" << QStringList{QStringLiteral("jwt")};
    QTest::newRow("mysql -pSECRET") << QByteArray("mysql -u root -phunter2 shop")
                                    << "mysql -u root -p" + m("cli-password") + " shop"
                                    << QStringList{QStringLiteral("cli-password")};
    QTest::newRow("mysqldump -p SECRET") << QByteArray("mysqldump -h db -u root -p hunter2 shop > dump.sql")
                                         << "mysqldump -h db -u root -p " + m("cli-password") + " shop > dump.sql"
                                         << QStringList{QStringLiteral("cli-password")};
    QTest::newRow("sshpass") << QByteArray("sshpass -p 'hunter 2' ssh admin@host")
                             << "sshpass -p '" + m("cli-password") + "' ssh admin@host"
                             << QStringList{QStringLiteral("cli-password")};
    QTest::newRow("redis-cli -a") << QByteArray("redis-cli -h cache -a s3cretpw PING")
                                  << "redis-cli -h cache -a " + m("cli-password") + " PING"
                                  << QStringList{QStringLiteral("cli-password")};
    QTest::newRow("--password=X") << QByteArray("mongosh --username admin --password=hunter2 db")
                                  << "mongosh --username admin --password=" + m("password-option") + " db"
                                  << QStringList{QStringLiteral("password-option")};
    QTest::newRow("--password X") << QByteArray("docker login --password hunter2 -u me registry.example.com")
                                  << "docker login --password " + m("password-option") + " -u me registry.example.com"
                                  << QStringList{QStringLiteral("password-option")};
    QTest::newRow("url credentials") << QByteArray("git clone https://alice:s3cr3t@git.example.com/team/repo.git")
                                     << "git clone https://alice:" + m("url-credentials") +
                                            "@git.example.com/team/repo.git"
                                     << QStringList{QStringLiteral("url-credentials")};
    QTest::newRow("url credentials with @ in password")
        << QByteArray("psql postgresql://app:p@ss@db.internal:5432/app")
        << "psql postgresql://app:" + m("url-credentials") + "@db.internal:5432/app"
        << QStringList{QStringLiteral("url-credentials")};
    QTest::newRow("bearer header")
        << QByteArray("curl -H \"Authorization: Bearer abcdef1234567890abcdef\" https://api.example.com")
        << "curl -H \"Authorization: Bearer " + m("authorization-header") + "\" https://api.example.com"
        << QStringList{QStringLiteral("authorization-header")};
    QTest::newRow("curl -u user:password")
        << QByteArray("curl -u admin:hunter2 https://example.com/api")
        << "curl -u admin:" + m("curl-user") + " https://example.com/api" << QStringList{QStringLiteral("curl-user")};
    QTest::newRow("password assignment quoted")
        << QByteArray("export DB_PASSWORD=\"correct horse\"") << "export DB_PASSWORD=\"" + m("secret-assignment") + "\""
        << QStringList{QStringLiteral("secret-assignment")};
    QTest::newRow("PGPASSWORD prefix") << QByteArray("PGPASSWORD=hunter2 psql -h db app")
                                       << "PGPASSWORD=" + m("secret-assignment") + " psql -h db app"
                                       << QStringList{QStringLiteral("secret-assignment")};
    QTest::newRow("token in query string") << QByteArray("curl 'https://example.com/hook?token=abc123def&x=1'")
                                           << "curl 'https://example.com/hook?token=" + m("secret-assignment") + "&x=1'"
                                           << QStringList{QStringLiteral("secret-assignment")};
    QTest::newRow("secret= and passwd=") << QByteArray("./deploy secret=swordfish passwd=tr0ub4dor")
                                         << "./deploy secret=" + m("secret-assignment") +
                                                " passwd=" + m("secret-assignment")
                                         << QStringList{QStringLiteral("secret-assignment"),
                                                        QStringLiteral("secret-assignment")};
    QTest::newRow("api key env") << QByteArray("export MAILGUN_API_KEY=key-3ax6xnjp29jd6fds4gc373sgvjxteol0")
                                 << "export MAILGUN_API_KEY=" + m("secret-assignment")
                                 << QStringList{QStringLiteral("secret-assignment")};
    QTest::newRow("json field") << QByteArray(R"({"user": "bob", "password": "hunter2"})")
                                << R"({"user": "bob", "password": ")" + m("secret-field") + R"("})"
                                << QStringList{QStringLiteral("secret-field")};
    QTest::newRow("yaml field in output") << QByteArray("db:\n  host: localhost\n  password: hunter2\n")
                                          << "db:\n  host: localhost\n  password: " + m("secret-field") + "\n"
                                          << QStringList{QStringLiteral("secret-field")};
    QTest::newRow("netrc") << QByteArray("machine example.com login bob password hunter2")
                           << "machine example.com login bob password " + m("netrc-password")
                           << QStringList{QStringLiteral("netrc-password")};
    QTest::newRow("gcp oauth client secret")
        << QByteArray("gcloud auth --client-secret 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")
        << "gcloud auth --client-secret " + m("gcp-oauth-secret") + ""
        << QStringList{QStringLiteral("gcp-oauth-secret")};
    QTest::newRow("gcp access token")
        << QByteArray("curl -H 'x-goog-user-project: p' -d t=ya29.L-ak6J0kGODKdinZnLXicaBAg8WY1jzIRlNQb0pr")
        << "curl -H 'x-goog-user-project: p' -d t=" + m("gcp-access-token") + ""
        << QStringList{QStringLiteral("gcp-access-token")};
    QTest::newRow("azure sas signature")
        << QByteArray("azcopy copy f "
                      "'https://acct.blob.core.windows.net/c/"
                      "f?sv=2022-11-02&sr=b&sig=Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6%2BcXV4Zm9v%3D&se=2026'")
        << "azcopy copy f 'https://acct.blob.core.windows.net/c/f?sv=2022-11-02&sr=b&sig=" + m("azure-sas-token") +
               "&se=2026'"
        << QStringList{QStringLiteral("azure-sas-token")};
    QTest::newRow("slack app token")
        << QByteArray("export SLACK_APP=xapp-1-A0123456789-1234567890123-1dab89f080e76d670a23a0f6dbe082a436ccc01a")
        << "export SLACK_APP=" + m("slack-token") + "" << QStringList{QStringLiteral("slack-token")};
    QTest::newRow("stripe webhook secret")
        << QByteArray("stripe listen --forward-to localhost # whsec_MxxNDi9LE1Ki3ylOjt6o0NpUmkVO8JmR")
        << "stripe listen --forward-to localhost # " + m("stripe-key") + ""
        << QStringList{QStringLiteral("stripe-key")};
    QTest::newRow("sendgrid key")
        << QByteArray("echo 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 > key")
        << "echo " + m("sendgrid-key") + " > key" << QStringList{QStringLiteral("sendgrid-key")};
    QTest::newRow("pulumi token") << QByteArray("pulumi login # pul-410fb9102f29a422eb14ab2f2d0f0cc022238dac")
                                  << "pulumi login # " + m("pulumi-token") + ""
                                  << QStringList{QStringLiteral("pulumi-token")};
    QTest::newRow("digitalocean token")
        << QByteArray("doctl auth init -t dop_v1_eee2092f073ff80b9465aef7ac86d66c7a644fb12853ef86dcfaea21818b904c")
        << "doctl auth init -t " + m("digitalocean-token") + "" << QStringList{QStringLiteral("digitalocean-token")};
    QTest::newRow("shopify token")
        << QByteArray("curl -H 'X-Shopify-Access-Token: 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' shop")
        << "curl -H 'X-Shopify-Access-Token: " + m("shopify-token") + "' shop"
        << QStringList{QStringLiteral("shopify-token")};
    QTest::newRow("netlify token") << QByteArray("netlify deploy --auth nfp_DmO46ayJKP4GY08vDuPngU30ZP7Thnp5yftI")
                                   << "netlify deploy --auth " + m("netlify-token") + ""
                                   << QStringList{QStringLiteral("netlify-token")};
    QTest::newRow("databricks token") << QByteArray(
                                             "databricks configure --host h # dapia80b21ead8f062d15a4f4ef27e9589c6")
                                      << "databricks configure --host h # " + m("databricks-token") + ""
                                      << QStringList{QStringLiteral("databricks-token")};
    QTest::newRow("aws session token")
        << QByteArray("export AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJH")
        << "export AWS_SESSION_TOKEN=" + m("aws-session-token") + ""
        << QStringList{QStringLiteral("aws-session-token")};
    QTest::newRow("api key header") << QByteArray("curl -H \"X-API-Key: abcd1234efgh5678\" https://api.example.com")
                                    << "curl -H \"X-API-Key: " + m("api-key-header") + "\" https://api.example.com"
                                    << QStringList{QStringLiteral("api-key-header")};
    QTest::newRow("bare bearer token") << QByteArray("echo Bearer abcdefghijklmnopqrstu | xclip")
                                       << "echo Bearer " + m("bearer-token") + " | xclip"
                                       << QStringList{QStringLiteral("bearer-token")};
    QTest::newRow("signing key assignment")
        << QByteArray("export SIGNING_KEY=8f7e6d5c4b3a29181716151413121110")
        << "export SIGNING_KEY=" + m("secret-assignment") + "" << QStringList{QStringLiteral("secret-assignment")};
    QTest::newRow("openssl -passin") << QByteArray("openssl rsa -in key.pem -passin pass:Sw0rdf1sh -out plain.pem")
                                     << "openssl rsa -in key.pem -passin pass:" + m("password-option") +
                                            " -out plain.pem"
                                     << QStringList{QStringLiteral("password-option")};
    QTest::newRow("ldapsearch -w") << QByteArray("ldapsearch -x -D cn=admin,dc=example -w 'bind secret' -b dc=example")
                                   << "ldapsearch -x -D cn=admin,dc=example -w '" + m("cli-password") +
                                          "' -b dc=example"
                                   << QStringList{QStringLiteral("cli-password")};
    QTest::newRow("ldapsearch -W prompts") << QByteArray("ldapsearch -x -W -b dc=example")
                                           << QByteArray("ldapsearch -x -W -b dc=example") << QStringList{};
    QTest::newRow("_PASS and _PW names") << QByteArray("SMTP_PASS=hunter2 DB_PW='x y' ./mail")
                                         << "SMTP_PASS=" + m("secret-assignment") + " DB_PW='" +
                                                m("secret-assignment") + "' ./mail"
                                         << QStringList{QStringLiteral("secret-assignment"),
                                                        QStringLiteral("secret-assignment")};
    QTest::newRow("bypass and compass are not passwords")
        << QByteArray("./run --cache bypass=1 compass=north") << QByteArray("./run --cache bypass=1 compass=north")
        << QStringList{};
    QTest::newRow("test runner verdicts")
        << QByteArray("PASS: t/basic.sh\nFAIL: t/other.sh\nPass: 12\n")
        << QByteArray("PASS: t/basic.sh\nFAIL: t/other.sh\nPass: 12\n") << QStringList{};
    QTest::newRow("two secrets, one command")
        << QByteArray("GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d mysql -uroot -pfoo")
        << "GITHUB_TOKEN=" + m("github-token") + " mysql -uroot -p" + m("cli-password")
        << QStringList{QStringLiteral("github-token"), QStringLiteral("cli-password")};

    // --- false positives: ordinary commands that must stay as they are.
    QTest::newRow("commit message about passwords") << QByteArray("git commit -m \"password reset flow\"")
                                                    << QByteArray("git commit -m \"password reset flow\"") << none;
    QTest::newRow("commit message token colon")
        << QByteArray("git commit -m \"fix: token: refresh on expiry\"")
        << QByteArray("git commit -m \"fix: token: refresh on expiry\"") << none;
    QTest::newRow("ls -p") << QByteArray("ls -p") << QByteArray("ls -p") << none;
    QTest::newRow("mkdir -p, ssh -p") << QByteArray("mkdir -p /tmp/x && ssh -p 2222 host && git add -p")
                                      << QByteArray("mkdir -p /tmp/x && ssh -p 2222 host && git add -p") << none;
    QTest::newRow("mysql prompting") << QByteArray("mysql -u root -p") << QByteArray("mysql -u root -p") << none;
    QTest::newRow("uuid") << QByteArray("kubectl delete pod 550e8400-e29b-41d4-a716-446655440000")
                          << QByteArray("kubectl delete pod 550e8400-e29b-41d4-a716-446655440000") << none;
    QTest::newRow("password from stdin") << QByteArray("docker login --password-stdin -u me")
                                         << QByteArray("docker login --password-stdin -u me") << none;
    QTest::newRow("variable references") << QByteArray("PASSWORD=$DB_PASS ./run --token \"$TOKEN\"")
                                         << QByteArray("PASSWORD=$DB_PASS ./run --token \"$TOKEN\"") << none;
    QTest::newRow("echo of a variable") << QByteArray("echo $AWS_SECRET_ACCESS_KEY")
                                        << QByteArray("echo $AWS_SECRET_ACCESS_KEY") << none;
    QTest::newRow("OLDPWD") << QByteArray("OLDPWD=/home/me/src cd -") << QByteArray("OLDPWD=/home/me/src cd -") << none;
    QTest::newRow("branch named sk-") << QByteArray("git checkout -b sk-fix-the-login-page-layout")
                                      << QByteArray("git checkout -b sk-fix-the-login-page-layout") << none;
    QTest::newRow("kubectl secret") << QByteArray("kubectl get secret my-secret -o yaml")
                                    << QByteArray("kubectl get secret my-secret -o yaml") << none;
    QTest::newRow("url without password")
        << QByteArray("curl http://localhost:8080/health && git clone git@github.com:o/r.git")
        << QByteArray("curl http://localhost:8080/health && git clone git@github.com:o/r.git") << none;
    QTest::newRow("max tokens") << QByteArray("python gen.py --max-tokens 512 max_tokens=5")
                                << QByteArray("python gen.py --max-tokens 512 max_tokens=5") << none;
    QTest::newRow("key file path")
        << QByteArray("ssh -i ~/.ssh/id_ed25519 host; export SSH_KEY=/home/me/.ssh/id_rsa_deploy")
        << QByteArray("ssh -i ~/.ssh/id_ed25519 host; export SSH_KEY=/home/me/.ssh/id_rsa_deploy") << none;
    QTest::newRow("password prompt in output")
        << QByteArray("Password: \nLogin successful\n") << QByteArray("Password: \nLogin successful\n") << none;
    QTest::newRow("sha256 digest")
        << QByteArray("echo e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        << QByteArray("echo e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") << none;
    QTest::newRow("public key")
        << QByteArray("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----")
        << QByteArray("-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----")
        << none;
    QTest::newRow("empty") << QByteArray() << QByteArray() << none;
}

void TestRedactor::redactsText()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QFETCH(QStringList, rules);
    static const capture::Redactor redactor;
    std::string text = input.toStdString();
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    const int count = redactor.redact(text, "command", &redactions);
    QCOMPARE(QByteArray::fromStdString(text), expected);
    QCOMPARE(rulesOf(redactions), rules);
    QCOMPARE(count, rules.size());
}

void TestRedactor::recordsWhereMarkersAre()
{
    const capture::Redactor redactor;
    v1::Event event;
    event.mutable_command_started()->set_command(
        "a=1 PASSWORD=x1 b GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d");
    redactor.apply(event);
    const auto& body = event.command_started();
    QCOMPARE(body.redactions_size(), 2);
    for (const auto& redaction : body.redactions()) {
        QCOMPARE(redaction.field(), std::string("command"));
        const std::string marker = body.command().substr(redaction.offset(), redaction.length());
        QCOMPARE(QString::fromStdString(marker),
                 QStringLiteral("[REDACTED:%1]").arg(QString::fromStdString(redaction.rule())));
    }
    QCOMPARE(body.redactions(0).offset(), 13u);
    QVERIFY(body.command().find("ghp_") == std::string::npos);
    QVERIFY(body.command().find("x1") == std::string::npos);
}

void TestRedactor::filtersEveryTextFieldOfEveryBody()
{
    const capture::Redactor redactor;
    const std::string secret = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
    const auto check = [&](v1::Event event, const std::string& field, auto read) {
        redactor.apply(event);
        const std::string serialized = event.SerializeAsString();
        QVERIFY2(serialized.find(secret) == std::string::npos, field.c_str());
        QVERIFY2(read(event).find("[REDACTED:github-token]") != std::string::npos, field.c_str());
    };
    v1::Event started;
    started.mutable_command_started()->set_command("gh auth " + secret);
    check(started, "command", [](const v1::Event& e) { return e.command_started().command(); });
    v1::Event finished;
    finished.mutable_command_finished()->set_output_head("token is " + secret + "\n");
    finished.mutable_command_finished()->set_output_tail("again " + secret);
    check(finished, "output_head", [](const v1::Event& e) { return e.command_finished().output_head(); });
    check(finished, "output_tail", [](const v1::Event& e) { return e.command_finished().output_tail(); });
    v1::Event note;
    note.mutable_note()->set_text("used " + secret);
    check(note, "note", [](const v1::Event& e) { return e.note().text(); });
    v1::Event appSwitch;
    appSwitch.mutable_app_switch()->set_title("Token " + secret + " - Firefox");
    check(appSwitch, "app_switch", [](const v1::Event& e) { return e.app_switch().title(); });
    v1::Event title;
    title.mutable_title_change()->set_title(secret);
    check(title, "title_change", [](const v1::Event& e) { return e.title_change().title(); });
    // Typed into a GUI app, shown by one in a dialog or as an element's name.
    v1::Event typed;
    typed.mutable_gui_action()->set_text("token=" + secret);
    check(typed, "gui_action.text", [](const v1::Event& e) { return e.gui_action().text(); });
    v1::Event element;
    element.mutable_gui_action()->set_element_name("Copy " + secret);
    element.mutable_gui_action()->set_element_path("frame 'Tokens' > push button 'Copy " + secret + "'");
    check(element, "gui_action.element_name", [](const v1::Event& e) { return e.gui_action().element_name(); });
    check(element, "gui_action.element_path", [](const v1::Event& e) { return e.gui_action().element_path(); });
    v1::Event dialog;
    dialog.mutable_gui_alert()->set_text("Your new token: " + secret);
    check(dialog, "gui_alert.text", [](const v1::Event& e) { return e.gui_alert().text(); });

    redactor.apply(finished);
    QStringList fields;
    for (const auto& redaction : finished.command_finished().redactions())
        fields.append(QString::fromStdString(redaction.field()));
    QCOMPARE(fields, (QStringList{QStringLiteral("output_head"), QStringLiteral("output_tail")}));
}

void TestRedactor::keepsInvalidUtf8Bytes()
{
    const capture::Redactor redactor;
    // Latin-1 bytes, a lone continuation byte, a truncated sequence, NUL, and UTF-8.
    const QByteArray prefix("\xff\xfe echo caf\xe9 \x80 \xe2\x82 \0 gr\xc3\xbc\xc3\x9f PASSWORD=", 36);
    const QByteArray suffix(" \xc3\xa9\xff\n\t\\", 7);
    std::string text = QByteArray(prefix + "hunter2" + suffix).toStdString();
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    QCOMPARE(redactor.redact(text, "command", &redactions), 1);
    QCOMPARE(QByteArray::fromStdString(text), prefix + m("secret-assignment") + suffix);
    QCOMPARE(redactions.Get(0).offset(), static_cast<quint32>(prefix.size()));
}

void TestRedactor::isIdempotent()
{
    const capture::Redactor redactor;
    std::string text = "mysql -pfoo; export TOKEN=abc; curl https://u:p@h/";
    redactor.redact(text, "command", nullptr);
    const std::string once = text;
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    QCOMPARE(redactor.redact(text, "command", &redactions), 0);
    QCOMPARE(text, once);
}

void TestRedactor::privateKeyBlockAcrossLines()
{
    const capture::Redactor redactor;
    const std::string body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\n"
                             "QyNTUxOQAAACDr3mOEf0dtP8N7oS7SK1XTcaOqvv5sZ9GiBlyPGXgBLwAAAJjFZ7Z5xWe2\n";
    std::string text = "$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n" + body +
                       "-----END OPENSSH PRIVATE KEY-----\n$ ls\n";
    QCOMPARE(redactor.redact(text, "output_head", nullptr), 1);
    QCOMPARE(text, std::string("$ cat ~/.ssh/id_ed25519\n-----BEGIN OPENSSH PRIVATE KEY-----\n[REDACTED:private-key]\n"
                               "-----END OPENSSH PRIVATE KEY-----\n$ ls\n"));
    // Cut by the output cap before the END line: redacted to the end.
    std::string cut = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1234\nabcd";
    QCOMPARE(redactor.redact(cut, "output_head", nullptr), 1);
    QCOMPARE(cut, std::string("-----BEGIN RSA PRIVATE KEY-----\n[REDACTED:private-key]"));
}

QTEST_GUILESS_MAIN(TestRedactor)
#include "TestRedactor.moc"
