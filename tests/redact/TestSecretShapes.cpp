#include "capture/redact/Redactor.h"

#include <QTest>

using namespace trailmark;

// Secrets in the shapes experts type every day (issue 12, part 3), both sides: each shape
// is caught (the secret bytes are gone, the marker names the rule), and each look-alike
// is left byte for byte as it was. All secrets here are random strings of the right
// shape, not real keys.
class TestSecretShapes final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void caught_data();
    void caught();
    void untouched_data();
    void untouched();
};

namespace {

void row(const char* name, const QByteArray& input, const QByteArrayList& secrets, const char* rule)
{
    QTest::newRow(name) << input << secrets << QString::fromLatin1(rule);
}

} // namespace

void TestSecretShapes::caught_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("secrets");
    QTest::addColumn<QString>("rule");

    // --- aws configure set, and AWS values in files and output.
    row("aws configure set secret", "aws configure set aws_secret_access_key GwS1YrspXWTkJ3jnOblovC5ZQwffklGT1L7gDHw2",
        {"GwS1YrspXWTkJ3jnOblovC5ZQwffklGT1L7gDHw2"}, "aws-secret-key");
    row("aws configure set secret, profile", "aws configure set profile.prod.aws_secret_access_key 'sEcr3t/Value+x9'",
        {"sEcr3t/Value+x9"}, "aws-configure-secret");
    row("aws configure set session token",
        "aws configure set aws_session_token IQoJb3JpZ2luX2VjEuNMGFvZDUj5gpmzzes7SRknOKrBh0iHewy7LXHu7vNp= --profile "
        "sso",
        {"IQoJb3JpZ2luX2VjEuNMGFvZDUj5gpmzzes7SRknOKrBh0iHewy7LXHu7vNp="}, "aws-session-token");
    row("aws configure set security token", "aws configure set default.aws_security_token FwoGZXIvYXdzEBYaDK9x",
        {"FwoGZXIvYXdzEBYaDK9x"}, "aws-configure-secret");
    row("aws credentials file",
        "$ cat ~/.aws/credentials\n[default]\naws_access_key_id = AKIA2E0A8F3B244C9986\n"
        "aws_secret_access_key = GwS1YrspXWTkJ3jnOblovC5ZQwffklGT1L7gDHw2\n",
        {"GwS1YrspXWTkJ3jnOblovC5ZQwffklGT1L7gDHw2", "AKIA2E0A8F3B244C9986"}, "aws-access-key");

    // --- docker login and other registry logins.
    row("docker login -p", "docker login -u ci-bot -p 1jw!58cyeTCfZP4I registry.example.com", {"1jw!58cyeTCfZP4I"},
        "cli-password");
    row("sudo docker login -pVALUE", "sudo docker login -u me -p'1jw!58cyeTCfZP4I' ghcr.io", {"1jw!58cyeTCfZP4I"},
        "cli-password");
    row("podman login --password", "podman login --username me --password \"hunter 2 x\" quay.io", {"hunter 2 x"},
        "password-option");
    row("helm registry login -p", "helm registry login ghcr.io -u me -p s3cretValue9", {"s3cretValue9"},
        "cli-password");

    // --- options that take a secret, both forms, quoted or not, after a continuation.
    row("--passwd", "smbpasswd-helper --passwd=tr0ub4dor --user bob", {"tr0ub4dor"}, "password-option");
    row("--token VALUE", "vault login --token s.9dKx2LmPq7RtZ --method=token", {"s.9dKx2LmPq7RtZ"}, "password-option");
    row("--secret='quoted'", "./deploy --secret='a b c 9' --env prod", {"a b c 9"}, "password-option");
    row("--api-key=\"quoted\"", "datadog-ci upload --api-key=\"4f1c2e9a77b04d1f\" ./dist", {"4f1c2e9a77b04d1f"},
        "password-option");
    row("--auth-token", "sentry-cli --auth-token 9f8e7d6c5b4a39281706 releases new 1.2", {"9f8e7d6c5b4a39281706"},
        "password-option");
    row("--client-secret=", "az login --service-principal -u app --client-secret=Xy7pQ2rS9tUv --tenant t",
        {"Xy7pQ2rS9tUv"}, "password-option");
    row("prefixed --db-password", "./manage.py seed --db-password Pa55word! --db-host db", {"Pa55word!"},
        "password-option");
    row("wget --http-password", "wget --http-user=bob --http-password=hunter2x https://files.example.com/a.iso",
        {"hunter2x"}, "password-option");
    row("--github-token", "renovate --github-token \"0aF3kLmZ9qR2\" --platform github", {"0aF3kLmZ9qR2"},
        "password-option");
    row("option after line continuation", "mysqladmin -u root \\\n  --password \\\n  Pa55word! status", {"Pa55word!"},
        "password-option");
    row("keytool -storepass", "keytool -importcert -alias ca -keystore ks.jks -storepass changeit9 -noprompt",
        {"changeit9"}, "password-option");

    // --- -p of the clients that take a password there.
    row("mysql -pVALUE after sudo", "sudo mysql -h 127.0.0.1 -uroot -p'Pa55 word' -e 'show databases'", {"Pa55 word"},
        "cli-password");
    row("mariadb -p", "mariadb -u app -pXk29dLq shop < dump.sql", {"Xk29dLq"}, "cli-password");
    row("mysql -p across lines", "mysql -h db.internal \\\n  -u app \\\n  -pXk29dLq9 app", {"Xk29dLq9"},
        "cli-password");
    row("sshpass -p", "sshpass -p 'Winter2024!' ssh -p 2222 deploy@web-2", {"Winter2024!"}, "cli-password");
    row("htpasswd -b", "htpasswd -b /etc/nginx/.htpasswd admin Xk29dLq9", {"Xk29dLq9"}, "cli-password");
    row("htpasswd -nbB", "htpasswd -nbB admin 'Xk 29dLq' > auth/htpasswd", {"Xk 29dLq"}, "cli-password");
    row("htpasswd -cb", "sudo htpasswd -cb .htpasswd bob s3cr3t9 && nginx -s reload", {"s3cr3t9"}, "cli-password");
    row("redis-cli -a", "redis-cli -h cache -p 6380 -a Qm9vYmFy9 --no-auth-warning PING", {"Qm9vYmFy9"},
        "cli-password");
    row("7z -p", "7z x -pXk29dLq9 backup.7z", {"Xk29dLq9"}, "cli-password");
    row("zip -P", "zip -r -P Xk29dLq9 backup.zip docs/", {"Xk29dLq9"}, "cli-password");

    // --- environment assignments whose name says secret.
    row("prefixed GITHUB_TOKEN", "GITHUB_TOKEN=0aF3kLmZ9qR2 gh pr list", {"0aF3kLmZ9qR2"}, "secret-assignment");
    row("env X=.. cmd", "env DATABASE_PASSWORD=Pa55word! ./migrate up", {"Pa55word!"}, "secret-assignment");
    row("export *_SECRET_*", "export SECRET_KEY_BASE=9c1f0e2d7a6b5c4d3e2f1a0b", {"9c1f0e2d7a6b5c4d3e2f1a0b"},
        "secret-assignment");
    row("*PASSWORD* in the middle", "export DB_PASSWORD_PROD='Pa55 word'", {"Pa55 word"}, "secret-assignment");
    row("*_CREDENTIALS", "REGISTRY_CREDENTIALS=bob:Pa55word ./push.sh", {"bob:Pa55word"}, "secret-assignment");
    row("*_KEY long value", "export STRIPE_WEBHOOK_KEY=Qm9vYmFyYmF6cXV4MTIz", {"Qm9vYmFyYmF6cXV4MTIz"},
        "secret-assignment");
    row("fish set -x", "set -x OPENAI_TOKEN Qm9vYmFyYmF6cXV4MTIz", {"Qm9vYmFyYmF6cXV4MTIz"}, "secret-assignment");
    row("fish set -gx quoted", "set -gx DB_PASSWORD 'Pa55 word'", {"Pa55 word"}, "secret-assignment");
    row("csh setenv", "setenv API_SECRET Pa55word9", {"Pa55word9"}, "secret-assignment");
    row(".env in output", "$ cat .env\nDEBUG=1\nJWT_SECRET=Qm9vYmFyYmF6cXV4\nDATABASE_URL=postgres://db/app\n",
        {"Qm9vYmFyYmF6cXV4"}, "secret-assignment");

    // --- credentials in URLs of any scheme.
    row("postgres url", "psql postgres://app:Pa55word@db.internal:5432/app", {"Pa55word"}, "url-credentials");
    row("redis url without user", "redis-cli -u redis://:Qm9vYmFy@cache:6379/0 PING", {"Qm9vYmFy"}, "url-credentials");
    row("mongodb+srv url", "mongosh \"mongodb+srv://admin:Pa55word@cluster0.ab1cd.mongodb.net/test\"", {"Pa55word"},
        "url-credentials");
    row("amqp url", "export BROKER=amqp://guest:Xk29dLq9@rabbit:5672//", {"Xk29dLq9"}, "url-credentials");
    row("https user:token", "git remote set-url origin https://bob:Xk29dLq9Zt@github.com/acme/api.git", {"Xk29dLq9Zt"},
        "url-credentials");

    // --- headers, any scheme, in commands and output.
    row("Authorization Basic", "curl -H 'Authorization: Basic Ym9iOnBhc3N3b3Jk' https://api.example.com",
        {"Ym9iOnBhc3N3b3Jk"}, "authorization-header");
    row("Authorization token", "curl -H \"Authorization: token 0aF3kLmZ9qR2xY7w\" api.github.com/user",
        {"0aF3kLmZ9qR2xY7w"}, "authorization-header");
    row("Authorization raw", "curl -H Authorization:0aF3kLmZ9qR2xY7w https://api.example.com", {"0aF3kLmZ9qR2xY7w"},
        "authorization-header");
    row("Authorization other scheme", "http GET api.example.com 'Authorization: SSWS 00aF3kLmZ9qR2xY7wQ'",
        {"00aF3kLmZ9qR2xY7wQ"}, "authorization-header");
    row("Authorization in verbose output", "> GET /v1 HTTP/1.1\r\n> authorization: Bearer 0aF3kLmZ9qR2xY7w\r\n",
        {"0aF3kLmZ9qR2xY7w"}, "authorization-header");
    row("X-Api-Key", "curl -H 'X-Api-Key: 0aF3kLmZ9qR2xY7w' https://api.example.com", {"0aF3kLmZ9qR2xY7w"},
        "api-key-header");
    row("Private-Token", "curl --header \"PRIVATE-TOKEN: 0aF3kLmZ9qR2xY7w\" https://gitlab.example.com/api/v4/projects",
        {"0aF3kLmZ9qR2xY7w"}, "api-key-header");

    // --- query strings.
    row("api_key=", "curl 'https://api.example.com/v1/items?api_key=0aF3kLmZ9qR2&limit=5'", {"0aF3kLmZ9qR2"},
        "secret-assignment");
    row("access_token=", "curl https://graph.example.com/me?access_token=0aF3kLmZ9qR2xY", {"0aF3kLmZ9qR2xY"},
        "secret-assignment");
    row("token=", "wget -O - 'https://ci.example.com/job/build?token=0aF3kLmZ9qR2&cause=x'", {"0aF3kLmZ9qR2"},
        "secret-assignment");

    // --- private key blocks.
    row("PEM RSA", "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxk29dLq9\n-----END RSA PRIVATE KEY-----",
        {"MIIEowIBAAKCAQEAxk29dLq9"}, "private-key");
    row("PEM EC", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk29dLq9Zt\n-----END EC PRIVATE KEY-----",
        {"MHcCAQEEIBk29dLq9Zt"}, "private-key");
    row("PKCS8 encrypted",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0\n-----END ENCRYPTED PRIVATE KEY-----",
        {"MIIFHDBOBgkqhkiG9w0"}, "private-key");
    row("OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
        {"b3BlbnNzaC1rZXktdjEAAAAA"}, "private-key");
    row("PGP", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQdGBGX9k29dLq9\n-----END PGP PRIVATE KEY BLOCK-----",
        {"lQdGBGX9k29dLq9"}, "private-key");
    row("age secret key", "# created: 2024\nAGE-SECRET-KEY-10HM96PQES5MM6G6NJ5M3VPLEXAJ3VGVK3XLG57Z4ECF58ATC8KS67MV6JS",
        {"10HM96PQES5MM6G6NJ5M3VPLEXAJ3VGVK3XLG57Z4ECF58ATC8KS67MV6JS"}, "age-secret-key");

    // --- vendor token formats, wherever they appear.
    row("github ghp", "git clone https://ghp_Zqumpm08hsE8JNpjJOQGa2rb19FlY0mG1ylv@github.com/acme/api.git",
        {"ghp_Zqumpm08hsE8JNpjJOQGa2rb19FlY0mG1ylv"}, "github-token");
    row("github gho", "oauth: gho_uhfJXqIEnomef2mSJ5CMTIeg1ZTVnVv2fgKD", {"gho_uhfJXqIEnomef2mSJ5CMTIeg1ZTVnVv2fgKD"},
        "github-token");
    row("github ghs in output", "  token: ghs_0f6YYIgrCOX6Jhw7Hd11XzWL8MHpoKEzViXZ\n",
        {"ghs_0f6YYIgrCOX6Jhw7Hd11XzWL8MHpoKEzViXZ"}, "github-token");
    row("github ghu", "echo ghu_ya8cdFOcVwWBhqG5KSFdPE0SPgjtHfb1F6w7 | gh auth login --with-token",
        {"ghu_ya8cdFOcVwWBhqG5KSFdPE0SPgjtHfb1F6w7"}, "github-token");
    row("github ghr", "refresh=ghr_0WAKadYEjW1W5bSapfQ7Dh3yEg42ipqnX1fk", {"ghr_0WAKadYEjW1W5bSapfQ7Dh3yEg42ipqnX1fk"},
        "github-token");
    row("github fine-grained",
        "gh auth login --with-token <<< "
        "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",
        {"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"},
        "github-token");
    row("gitlab glpat", "git push https://oauth2:glpat-POyJV9YZGWNkJnsrUgBh@gitlab.com/acme/api.git",
        {"glpat-POyJV9YZGWNkJnsrUgBh"}, "gitlab-token");
    row("gitlab deploy token", "helm repo add x https://gitlab.com --password gldt-Hb2U9LhOS0irYkPvdRHU",
        {"gldt-Hb2U9LhOS0irYkPvdRHU"}, "gitlab-token");
    row("gitlab runner token", "gitlab-runner register --token glrt-NL9yf4StfxDPNV2adCV1",
        {"glrt-NL9yf4StfxDPNV2adCV1"}, "gitlab-token");
    row("gitlab runner registration", "echo GR1348941t-Zj3aoeWqeHGwlifXjw", {"GR1348941t-Zj3aoeWqeHGwlifXjw"},
        "gitlab-token");
    row("hugging face", "huggingface-cli login --token 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",
        {"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"}, "huggingface-token");
    row("openai legacy", "echo sk-v9PBmGGwYPnqwYo8kwQj1qH9CstFpS8gELRersl9a6sLABHH > ~/.openai",
        {"sk-v9PBmGGwYPnqwYo8kwQj1qH9CstFpS8gELRersl9a6sLABHH"}, "openai-key");
    row("openai project",
        "curl -H 'Authorization: Bearer "
        "sk-proj-2Zn4T8_WvXX2HdNK44cjXQVIoSTsp5svg-LRTlGrwQ2d8m3Dze9n2cldhT_7T3BlbkFJJZ' x",
        {"sk-proj-2Zn4T8_WvXX2HdNK44cjXQVIoSTsp5svg-LRTlGrwQ2d8m3Dze9n2cldhT_7T3BlbkFJJZ"}, "openai-key");
    row("anthropic",
        "claude config set apiKey "
        "sk-ant-api03-dfdFd2lA2D_FNQEoQ_-xZ90txdegvcU_G7lJ2m7erV7xnuILoVGbuLI4C0GRwa9xed3XBYqpNnRNB7FIYnqAA",
        {"sk-ant-api03-dfdFd2lA2D_FNQEoQ_-xZ90txdegvcU_G7lJ2m7erV7xnuILoVGbuLI4C0GRwa9xed3XBYqpNnRNB7FIYnqAA"},
        "anthropic-key");
    row("google api key", "gcloud ml speech recognize a.wav --key AIzaEt-lRC3ZWYdzAeAY2omtTtvM5riija1IYLs",
        {"AIzaEt-lRC3ZWYdzAeAY2omtTtvM5riija1IYLs"}, "gcp-api-key");
    row("google oauth access token",
        "curl -H \"X-Goog-User-Project: p\" -d token=ya29.a0D6c060ZGUfpDNhmMLm43B3OjdK2OLMdNJTkzc-8pRXhW x",
        {"ya29.a0D6c060ZGUfpDNhmMLm43B3OjdK2OLMdNJTkzc-8pRXhW"}, "gcp-access-token");
    row("slack bot", "SLACK_BOT=xoxb-109427400192-7154160893211-EwLhqqA8FutShQVR3DC9Phj1 node bot.js",
        {"xoxb-109427400192-7154160893211-EwLhqqA8FutShQVR3DC9Phj1"}, "slack-token");
    row("slack user", "slack-cli --as xoxp-041005761873-934786518082-2228783912532-a91d1cbb5371bd6a2ba11015b11f5c95",
        {"xoxp-041005761873-934786518082-2228783912532-a91d1cbb5371bd6a2ba11015b11f5c95"}, "slack-token");
    row("slack refresh", "echo xoxe.xoxp-1-Mi0yLTQxMDA1NzYxODczLTkzNDc4NjUxODA4Mg",
        {"Mi0yLTQxMDA1NzYxODczLTkzNDc4NjUxODA4Mg"}, "slack-token");
    row("slack webhook",
        "curl -X POST --data @msg.json https://hooks.slack.com/services/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",
        {"4E7vIrxiMCzFHCRQ44IHJ5lB"}, "slack-webhook");
    row("stripe live", "stripe charges list --api-key sk_live_yNt5TPiKEuor5ClFKHu6MUbg",
        {"sk_live_yNt5TPiKEuor5ClFKHu6MUbg"}, "stripe-key");
    row("stripe restricted", "export STRIPE=rk_live_XOsHzoMp7BKOHNfEkalT2ib0", {"rk_live_XOsHzoMp7BKOHNfEkalT2ib0"},
        "stripe-key");
    row("stripe test", "curl https://api.stripe.com/v1/charges -u sk_test_Z8voX2D86ByvkNx5MYjCPC1zaPLvaLO7ZOE8:",
        {"sk_test_Z8voX2D86ByvkNx5MYjCPC1zaPLvaLO7ZOE8"}, "stripe-key");
    row("npm", "//registry.npmjs.org/:_authToken=npm_8u8Uu6bBLRWFeq4Af3SYYsGsJGRg8Tu9g7pa",
        {"npm_8u8Uu6bBLRWFeq4Af3SYYsGsJGRg8Tu9g7pa"}, "npm-token");
    row("sentry org token", "sentry-cli login --auth-token=sntrys_eyJpYXQiOjE3MDAGhnd7RVRXFBJOI5sCDygs4DvLWosjsoPhij",
        {"sntrys_eyJpYXQiOjE3MDAGhnd7RVRXFBJOI5sCDygs4DvLWosjsoPhij"}, "sentry-token");
    row("sentry user token", "echo 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",
        {"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"}, "sentry-token");
    row("sentry dsn", "export DSN=https://05e88eb1312427c89aedc8c08e026d8b@o4504.ingest.sentry.io/4505",
        {"05e88eb1312427c89aedc8c08e026d8b"}, "sentry-dsn");
    row("twilio account sid", "twilio api:core:messages:list --account-sid AC2ba8ad5e3b4edb0c811cc109398b89b5",
        {"AC2ba8ad5e3b4edb0c811cc109398b89b5"}, "twilio-key");
    row("twilio api key", "curl -u SK0333b50bb84c349bcaf30428b891e753:x https://api.twilio.com",
        {"SK0333b50bb84c349bcaf30428b891e753"}, "twilio-key");
    row("azure account key",
        "AccountKey=NLCSi6RDSXDfHJugrjPUZLF2bI0VTVaMxHMYtEAdjSXtri5nAk8UeloAWonlguyQYvT7TvGRFus==;",
        {"NLCSi6RDSXDfHJugrjPUZLF2bI0VTVaMxHMYtEAdjSXtri5nAk8UeloAWonlguyQYvT7TvGRFus=="}, "azure-storage-key");
    row("azure sas", "azcopy cp a 'https://x.blob.core.windows.net/c?sp=r&sig=Qm9vYmFyYmF6cXV4MTIzNDU2%3D'",
        {"Qm9vYmFyYmF6cXV4MTIzNDU2%3D"}, "azure-sas-token");
    row("azure client secret", "echo RpI8Q~eTNH-8ubaqsP~JAdn_xYh1WHya4EukD1Pk",
        {"RpI8Q~eTNH-8ubaqsP~JAdn_xYh1WHya4EukD1Pk"}, "azure-client-secret");
    row("docker hub pat", "echo dckr_pat_7ELJ715-s82tAVVCtePDOIaAISZ | docker login -u me --password-stdin",
        {"dckr_pat_7ELJ715-s82tAVVCtePDOIaAISZ"}, "docker-token");
    row("pypi",
        "twine upload -u __token__ dist/* # "
        "pypi-AgEIcHlwaS5vcmceBlrLl6UhdX8C4me7qVhlnc52H5ELaJ76F3AJV2QUGKpfpQRGf-AEu4BKqpc",
        {"pypi-AgEIcHlwaS5vcmceBlrLl6UhdX8C4me7qVhlnc52H5ELaJ76F3AJV2QUGKpfpQRGf-AEu4BKqpc"}, "pypi-token");
    row("vault", "VAULT_ADDR=https://vault:8200 vault login hvs.74iJLKRiVDzyxkWaRA2fCVgE",
        {"hvs.74iJLKRiVDzyxkWaRA2fCVgE"}, "vault-token");

    // --- random values where the context says key (the generic rule, with entropy).
    row("generic yaml", "  slack_auth: 7LnoUXBVpdktoKQ59nqjm12xpayETgTv\n", {"7LnoUXBVpdktoKQ59nqjm12xpayETgTv"},
        "generic-secret");
    row("generic json", R"({"client_auth": "myFJ5-uSN3R79MrpzcZ1-IYV"})", {"myFJ5-uSN3R79MrpzcZ1-IYV"},
        "generic-secret");
    row("generic config set", "npm config set //npm.acme.dev/:_authToken 7LnoUXBVpdktoKQ59nqjm12xpayETgTv",
        {"7LnoUXBVpdktoKQ59nqjm12xpayETgTv"}, "generic-secret");
    row("generic := go", "accessKey := \"7LnoUXBVpdktoKQ59nqjm12xpayETgTv\"", {"7LnoUXBVpdktoKQ59nqjm12xpayETgTv"},
        "generic-secret");
}

void TestSecretShapes::caught()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, secrets);
    QFETCH(QString, rule);
    static const capture::Redactor redactor;
    std::string text = input.toStdString();
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    redactor.redact(text, "command", &redactions);
    const QByteArray out = QByteArray::fromStdString(text);
    for (const QByteArray& secret : secrets)
        QVERIFY2(!out.contains(secret), out.constData());
    QStringList rules;
    for (const auto& redaction : redactions)
        rules.append(QString::fromStdString(redaction.rule()));
    QVERIFY2(rules.contains(rule), qPrintable(rules.join(u',') + QStringLiteral(": ") + QString::fromLatin1(out)));
}

void TestSecretShapes::untouched_data()
{
    QTest::addColumn<QByteArray>("input");
    const auto keep = [](const char* name, const QByteArray& input) {
        QTest::newRow(name) << input;
    };
    keep("commit hash", "git show 4e1243bd22c66e76c2ba9eddc1f91394e57f9f83 --stat");
    keep("short hashes", "git rebase --onto main 4e1243b 9fa0c1d2");
    keep("uuid", "kubectl get events --field-selector involvedObject.uid=1f0c2e9a-77b0-4d1f-9c3e-5a6b7c8d9e0f");
    keep("sha256sum output", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  api-1.2.0.tar.gz\n");
    keep("sha256sum -c",
         "echo 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  a.tgz' | sha256sum -c");
    keep("md5", "md5sum build/app.bin\nd41d8cd98f00b204e9800998ecf8427e  build/app.bin");
    keep("docker digest", "docker pull nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31");
    keep("rmi digest", "docker rmi sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31");
    keep("base64 image name", "cp ~/Pictures/PAbQcEFUV2fsjGHb6HrlEO.png assets/img/");
    keep("long path",
         "ls /var/lib/docker/overlay2/0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31/diff");
    keep("nix store path", "ls /nix/store/9r2y6gxvqc1m0n7k4w8z5s3j1p0a2b4c-openssl-3.0.13");
    keep("password-stdin", "echo \"$CR_PAT\" | docker login ghcr.io -u bob --password-stdin");
    keep("password-stdin in login -p form", "docker login --password-stdin --username bob registry.example.com");
    keep("ssh -p", "ssh -p 2222 deploy@bastion");
    keep("psql -p", "psql -h db01 -p 5432 -U app -d orders");
    keep("nc -p", "nc -l -p 9000");
    keep("mkdir -p", "mkdir -p build/out && cd build/out");
    keep("scp -P", "scp -P 2222 app.tar.gz deploy@web-2:/opt/");
    keep("mysql prompting", "mysql -u root -p orders");
    keep("export PATH", "export PATH=$HOME/.local/bin:/usr/local/go/bin:$PATH");
    keep("KUBECONFIG", "KUBECONFIG=~/.kube/prod-config kubectl get nodes");
    keep("SORT_KEY", "SORT_KEY=name ./report");
    keep("KEY_COUNT", "KEY_COUNT=3 ./bench --keys");
    keep("credentials path", "GOOGLE_APPLICATION_CREDENTIALS=~/.config/gcloud/sa.json python3 upload.py");
    keep("password file path", "export MYSQL_PASSWORD_FILE=/run/secrets/db_password");
    keep("token file option", "gh auth login --with-token < ~/.config/gh/token.txt");
    keep("ask-vault-pass", "ansible-playbook site.yml --ask-vault-pass --limit web");
    keep("no-password", "pg_dump --no-password -h db01 -U app orders");
    keep("docker build --secret", "docker build --secret id=npmrc,src=$HOME/.npmrc -t api .");
    keep("openssl -passin env:", "openssl pkcs12 -in a.p12 -nokeys -passin env:P12_PASS");
    keep("max tokens", "python gen.py --max-tokens 512");
    keep("variable in header", "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.com");
    keep("variable in fish set", "set -x GITHUB_TOKEN (gh auth token)");
    keep("commit message", "git commit -m \"Rotate api key and refresh token on login\"");
    keep("grep for words", "grep -rniE 'password|secret|token' --include='*.yaml' deploy/");
    keep("pytest -k", "python3 -m pytest tests/test_auth.py -k 'token' -x");
    keep("url without password", "git clone https://github.com/acme/api.git && curl http://localhost:8080/health");
    keep("ssh url", "git clone ssh://git@gitlab.example.com:2222/team/repo.git");
    keep("kubectl secret", "kubectl get secret api-secret -o yaml");
    keep("aws configure set region", "aws configure set region eu-west-1 --profile dev");
    keep("aws configure list masked", "      Name                    Value             Type    Location\n"
                                      "access_key     ****************ABCD shared-credentials-file\n"
                                      "secret_key     ****************wxyz shared-credentials-file\n");
    keep("gpg key id", "gpg --recv-keys 4E1243BD22C66E76C2BA9EDDC1F91394E57F9F83");
    keep("sql null", "psql -c \"UPDATE users SET reset_token = NULL WHERE id = 7\"");
    keep("branch with key words", "git checkout -b fix/token-refresh-key-rotation");
}

void TestSecretShapes::untouched()
{
    QFETCH(QByteArray, input);
    static const capture::Redactor redactor;
    std::string text = input.toStdString();
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    QCOMPARE(redactor.redact(text, "command", &redactions), 0);
    QCOMPARE(QByteArray::fromStdString(text), input);
}

QTEST_GUILESS_MAIN(TestSecretShapes)
#include "TestSecretShapes.moc"
