#include "chains/families/shell/RetryDetector.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellStep.h"

#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

namespace {

// A shell step as the deriver leaves it: a command, its outcome, and its terminal.
Step shellStep(int index, const QString& command, StepOutcome outcome, int exitCode, const char* terminal)
{
    Step step;
    step.index = index;
    step.family = &shellFamily();
    step.outcome = outcome;
    step.startNs = index * 10'000'000'000LL;
    step.endNs = step.startNs + 1'000'000'000LL;
    auto shell = std::make_unique<ShellStep>();
    shell->command = command.toStdString();
    shell->hasExit = true;
    shell->exitKnown = true;
    shell->exitCode = exitCode;
    shell->shellSessionId = terminal;
    step.detail = std::move(shell);
    return step;
}

} // namespace

// Both sides of each retry class of issues 12 and 26: attempts that try a failed action
// again (through a wrapper, with an option's value changed, an option added or removed)
// and look-alikes that do another thing or follow a success.
class TestRetryDetector final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void retries_data();
    void retries();
    void noRetryAfterSuccess_data();
    void noRetryAfterSuccess();
};

void TestRetryDetector::retries_data()
{
    QTest::addColumn<QString>("failed");
    QTest::addColumn<int>("failedExit"); // 127: the shell found no such program
    QTest::addColumn<QString>("between");
    QTest::addColumn<QString>("again");
    QTest::addColumn<bool>("otherTerminal");
    QTest::addColumn<bool>("retry");
    const auto row = [](const char* name) -> QTestData& {
        return QTest::newRow(name);
    };

    // Issue 12: runners, options, compounds, typos, other terminals.
    row("pip, then the venv's pip") << "pip install x" << 1 << ""
                                    << ".venv/bin/pip install x" << false << true;
    row("python3, then the venv's python") << "python3 s.py" << 1 << ""
                                           << ".venv/bin/python s.py" << false << true;
    row("sudo prefix") << "systemctl restart nginx" << 1 << ""
                       << "sudo systemctl restart nginx" << false << true;
    row("npx wrapper") << "eslint src/" << 1 << ""
                       << "npx eslint src/" << false << true;
    row("uv run wrapper") << "ruff check ." << 1 << ""
                          << "uv run ruff check ." << false << true;
    row("poetry run wrapper") << "python etl/run.py" << 1 << ""
                              << "poetry run python etl/run.py" << false << true;
    row("bundle exec wrapper") << "jekyll serve" << 1 << ""
                               << "bundle exec jekyll serve" << false << true;
    row("env assignment") << "./nightly.sh" << 1 << ""
                          << "env ETL_DATE=1 ./nightly.sh" << false << true;
    row("python -m") << "pytest tests/" << 1 << ""
                     << "python3 -m pytest tests/" << false << true;
    row("options added") << "git push" << 1 << ""
                         << "git push --set-upstream origin topic" << false << true;
    row("options changed") << "docker run -p 8080:80 nginx" << 1 << ""
                           << "docker run -p 8081:80 nginx" << false << true;
    row("compound re-runs it") << "./run_tests" << 1 << ""
                               << "make && ./run_tests" << false << true;
    row("typo in the program") << "gti status" << 127 << ""
                               << "git status" << false << true;
    row("typo sytemctl") << "sytemctl status nginx" << 127 << ""
                         << "systemctl status nginx" << false << true;
    row("typo in the subcommand") << "git stauts" << 1 << ""
                                  << "git status" << false << true;
    row("another terminal") << "make build" << 2 << ""
                            << "make build" << true << true;
    row("after the fix in between") << "make lint" << 2 << "make format"
                                    << "make lint" << false << true;
    row("npm script again") << "npm run build" << 1 << "npm run typecheck"
                            << "npm run build" << false << true;

    // Issue 26: a changed option value (host, port, user, timeout, path, version).
    row("port changed") << "psql -h db -p 5432 -U app shop" << 2 << ""
                        << "psql -h db -p 6432 -U app shop" << false << true;
    row("user changed") << "docker compose exec db psql -U postgres shop" << 2 << ""
                        << "docker compose exec db psql -U shop shop -c 'select 1'" << false << true;
    row("host of a URL changed") << "wget -qO- http://api.prod.svc:8080/healthz" << 1 << ""
                                 << "wget -qO- http://api.prod.svc.cluster.local:8080/healthz" << false << true;
    row("port of an address changed") << "./shipper --listen 127.0.0.1:514" << 1 << ""
                                      << "./shipper --listen 127.0.0.1:5514" << false << true;
    row("timeout changed") << "timeout 5 nc -z db-01 5432" << 124 << ""
                           << "timeout 20 nc -z db-01 5432" << false << true;
    row("path of the database changed") << "sqlite3 revenue.db \"select count(*) from orders\"" << 1 << ""
                                        << "sqlite3 data/revenue.db \"select count(*) from orders\"" << false << true;
    row("path of an option changed") << "./shipper --config dev.toml --once" << 1 << "ls config/"
                                     << "./shipper --config config/dev.toml --once" << false << true;
    row("query of -c changed") << "duckdb -c \"select sum(amount_cents) from 'x.csv'\"" << 1 << ""
                               << "duckdb -c \"select sum(net_amount) from 'x.csv'\"" << false << true;
    row("version changed") << "pyenv local 3.12" << 1 << ""
                           << "pyenv local 3.12.1" << false << true;
    row("pinned version changed") << "conda create -y -n forecast python=3.13" << 1 << ""
                                  << "conda create -y -n forecast python=3.12" << false << true;
    row("narrowed to one package") << "go test ./..." << 1 << ""
                                   << "go test -run TestRounding ./internal/invoice" << false << true;
    // An option added or removed.
    row("-i KEY added") << "ssh web-01 uptime" << 255 << ""
                        << "ssh -i ~/.ssh/deploy web-01 uptime" << false << true;
    row("-i KEY removed from a login") << "ssh -i ~/.ssh/old web-01" << 255 << ""
                                       << "ssh web-01" << false << true;
    row("--user added") << "systemctl restart inventory" << 5 << ""
                        << "systemctl --user restart inventory" << false << true;
    row("-f added") << "docker compose up" << 1 << ""
                    << "docker compose -f compose.dev.yml up" << false << true;
    row("-P PORT removed") << "scp -P 2222 build/api.tar.gz deploy@web-01:/tmp/" << 255 << ""
                           << "scp build/api.tar.gz deploy@web-01:/tmp/" << false << true;
    // The same command through a wrapper.
    row("ssh host CMD") << "make release" << 2 << ""
                        << "ssh build-01 make release" << false << true;
    row("ssh host make, then make -j4") << "ssh build-01 make" << 2 << ""
                                        << "ssh build-01 make -j4" << false << true;
    row("ssh host 'line', then the line changed")
        << "ssh build-01 'cd /srv/api && make release'" << 2 << "ssh build-01 'df -h /srv'"
        << "ssh build-01 'cd /srv/api && make -j4 release'" << false << true;
    row("ssh -t added to a remote sudo") << "ssh web-01 'sudo tar -C /srv -xzf /tmp/a.tgz'" << 1 << ""
                                         << "ssh -t web-01 'sudo tar -C /srv -xzf /tmp/a.tgz'" << false << true;
    row("timeout N") << "go test ./..." << 1 << ""
                     << "timeout 60 go test ./..." << false << true;
    row("env VAR=") << "cargo test" << 101 << ""
                    << "env RUST_BACKTRACE=1 cargo test" << false << true;
    row("nice") << "cargo build --release" << 101 << "free -h"
                << "nice -n 10 cargo build --release -j 2" << false << true;
    row("time") << "./run.sh --once" << 1 << ""
                << "time ./run.sh --once" << false << true;
    row("xargs") << "docker volume rm shop_dbdata" << 1 << "docker compose down"
                 << "docker volume ls -q | grep '^shop_' | xargs docker volume rm" << false << true;
    row("docker compose exec") << "pg_isready -h db" << 2 << ""
                               << "docker compose exec db pg_isready -h db" << false << true;
    row("docker compose run") << "make migrate" << 2 << ""
                              << "docker compose run --rm api make migrate" << false << true;
    row("docker exec") << "redis-cli ping" << 1 << ""
                       << "docker exec -it shop-redis-1 redis-cli ping" << false << true;
    row("kubectl exec") << "wget -qO- http://api:8080/healthz" << 1 << ""
                        << "kubectl -n prod exec worker-0 -- wget -qO- http://api:8080/healthz" << false << true;
    row("sudo -u") << "psql -c 'create database t'" << 2 << ""
                   << "sudo -u postgres psql -c 'create database t'" << false << true;
    row("sg GROUP -c") << "cross build --release" << 1 << ""
                       << "sg docker -c 'cross build --release'" << false << true;
    row("typo in a program with a plugin") << "dokcer compose up -d" << 127 << ""
                                           << "docker compose up -d" << false << true;
    row("typo, then through a wrapper") << "kubeclt -n prod rollout restart deploy/worker" << 127 << ""
                                        << "kubectl -n prod rollout restart deploy/worker" << false << true;

    // Held-out set: a project's wrapper script, a mistyped operand, an option's value
    // (--resolve), a fixed remote path, a changed port, a qualified host.
    row("./gradlew, then gradle") << "./gradlew wrapper --gradle-version 8.5" << 1 << ""
                                  << "gradle wrapper --gradle-version 8.5" << false << true;
    row("mvn, then ./mvnw") << "mvn -q verify" << 1 << ""
                            << "./mvnw -q verify" << false << true;
    row("a mistyped operand after the verb") << "mvn clean verfy" << 1 << ""
                                             << "mvn clean verify" << false << true;
    row("curl with --resolve added")
        << "curl -sS https://status.acme.io/health" << 28 << ""
        << "curl -sS --resolve status.acme.io:443:198.51.100.12 https://status.acme.io/health" << false << true;
    row("rsync to a fixed remote path") << "rsync -av build/html/ docs@docs:/var/www/handbook/" << 12 << ""
                                        << "rsync -av build/html/ docs@docs:/var/www/docs/handbook/" << false << true;
    row("nc on another port") << "nc -zv mirror.acme.io 8443" << 1 << ""
                              << "nc -zv -w 3 mirror.acme.io 443" << false << true;
    row("ssh to the qualified host") << "ssh mirror" << 255 << ""
                                     << "ssh mirror.acme.io" << false << true;
    row("cat the file with its extension") << "cat notes" << 1 << ""
                                           << "cat notes.txt" << false << true;

    // What is not a retry.
    row("another target after a failure") << "make lint" << 2 << ""
                                          << "make format" << false << false;
    row("another npm script") << "npm run build" << 1 << ""
                              << "npm run typecheck" << false << false;
    row("another subcommand") << "git push" << 1 << ""
                              << "git status" << false << false;
    row("git pull is no typo of push") << "git push" << 1 << ""
                                       << "git pull --rebase" << false << false;
    row("another host, nothing run there") << "ssh host1" << 255 << ""
                                           << "ssh host2" << false << false;
    row("another package") << "pip install requests" << 1 << ""
                           << "pip install numpy" << false << false;
    row("another package at the same version") << "pip install flask==3.0.2" << 1 << ""
                                               << "pip install django==3.0.2" << false << false;
    row("another namespace verb") << "kubectl -n staging rollout status deploy/api" << 1 << ""
                                  << "kubectl -n staging describe pod api" << false << false;
    row("another verb behind the same option") << "git -C repo push" << 1 << ""
                                               << "git -C repo pull" << false << false;
    row("cd is only the scene") << "cd build && cmake .." << 1 << ""
                                << "cd build && make" << false << false;
    row("another program") << "vim x.py" << 1 << ""
                           << "python x.py" << false << false;
    row("one letter apart, but both exist") << "cmake --build build" << 1 << ""
                                            << "make --build build" << false << false;
    row("another subcommand on the same packages") << "go vet ./..." << 1 << ""
                                                   << "go test ./..." << false << false;
    row("another program on the same host") << "ssh web-03 uptime" << 255 << ""
                                            << "ping -c1 web-03" << false << false;
    row("another program through the same ssh") << "ssh web-02 'tail -f /var/log/api/access.log'" << 1 << ""
                                                << "ssh web-02 'ls /var/log/api/'" << false << false;
    row("another file in the same folder") << "cat logs/api.log" << 1 << ""
                                           << "cat logs/worker.log" << false << false;
    row("another script") << "python scripts/load.py" << 1 << ""
                          << "python scripts/report.py" << false << false;
    row("the fix after a check") << "terraform fmt -check -recursive" << 3 << ""
                                 << "terraform fmt -recursive" << false << false;
    row("the real run after a dry run") << "kubectl apply --dry-run=server -f api.yaml" << 1 << ""
                                        << "kubectl apply -f api.yaml" << false << false;
    row("another remote folder") << "rsync -av build/html/ docs@docs:/var/www/handbook/" << 12 << ""
                                 << "rsync -av build/html/ docs@docs:/var/www/blog/" << false << false;
    row("another host sharing a prefix") << "ssh mirror" << 255 << ""
                                         << "ssh mirror2.acme.io" << false << false;
    row("another word, not a typo") << "mvn clean verify" << 1 << ""
                                    << "mvn clean deploy" << false << false;
    row("another subcommand of the same tool through a wrapper") << "docker compose up --build worker" << 1 << ""
                                                                 << "docker compose logs worker" << false << false;
}

void TestRetryDetector::retries()
{
    QFETCH(QString, failed);
    QFETCH(int, failedExit);
    QFETCH(QString, between);
    QFETCH(QString, again);
    QFETCH(bool, otherTerminal);
    QFETCH(bool, retry);
    std::vector<Step> steps;
    steps.push_back(shellStep(0, failed, StepOutcome::Error, failedExit, "t1"));
    if (!between.isEmpty())
        steps.push_back(shellStep(1, between, StepOutcome::Ok, 0, "t1"));
    steps.push_back(shellStep(static_cast<int>(steps.size()), again, StepOutcome::Ok, 0, otherTerminal ? "t2" : "t1"));
    RetryDetector().link(steps);
    QCOMPARE(steps.back().retryOf, retry ? 0 : -1);
    QCOMPARE(steps.back().recovers, retry ? 0 : -1);
    QCOMPARE(steps.front().retriedBy, retry ? steps.back().index : -1);
    if (!between.isEmpty())
        QCOMPARE(steps[1].retryOf, -1); // the fix in between is no attempt

    // Running it again after it succeeded is never a retry.
    std::vector<Step> rerun;
    rerun.push_back(shellStep(0, again, StepOutcome::Ok, 0, "t1"));
    rerun.push_back(shellStep(1, again, StepOutcome::Ok, 0, "t1"));
    RetryDetector().link(rerun);
    QCOMPARE(rerun.back().retryOf, -1);
}

void TestRetryDetector::noRetryAfterSuccess_data()
{
    QTest::addColumn<QString>("succeeded");
    QTest::addColumn<QString>("next");

    // Each of these is a retry after a failure (above); after a success it is the next
    // piece of work.
    QTest::newRow("another host") << "ssh deploy@web-01 uptime"
                                  << "ssh deploy@web-02 uptime";
    QTest::newRow("another destination") << "scp build/api.tar.gz deploy@web-01:/tmp/"
                                         << "scp build/api.tar.gz deploy@web-02:/tmp/";
    QTest::newRow("another host through ssh -t") << "ssh -t web-01 'sudo systemctl restart api'"
                                                 << "ssh -t web-02 'sudo systemctl restart api'";
    QTest::newRow("the whole tree after one package") << "go test -run TestRounding ./internal/invoice"
                                                      << "go test -race ./...";
    QTest::newRow("the same through a wrapper") << "uv pip install -r requirements.txt"
                                                << "time uv pip install -r requirements.txt";
    QTest::newRow("another version") << "pyenv install 3.12.1"
                                     << "pyenv install 3.11.9";
}

void TestRetryDetector::noRetryAfterSuccess()
{
    QFETCH(QString, succeeded);
    QFETCH(QString, next);
    for (const StepOutcome outcome : {StepOutcome::Ok, StepOutcome::Error}) {
        std::vector<Step> steps;
        steps.push_back(shellStep(0, succeeded, StepOutcome::Ok, 0, "t1"));
        steps.push_back(shellStep(1, next, outcome, outcome == StepOutcome::Ok ? 0 : 1, "t1"));
        RetryDetector().link(steps);
        QCOMPARE(steps.back().retryOf, -1);
        QCOMPARE(steps.front().retriedBy, -1);
    }
}

QTEST_GUILESS_MAIN(TestRetryDetector)
#include "TestRetryDetector.moc"
