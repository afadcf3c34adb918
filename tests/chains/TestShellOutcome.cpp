#include "chains/families/shell/ShellOutcome.h"
#include "chains/families/shell/ShellStep.h"

#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

// Both sides of each outcome class of issues 12 and 26: what must be caught, and what
// must not. Retries are TestRetryDetector's.
class TestShellOutcome final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outcomes_data();
    void outcomes();
};

void TestShellOutcome::outcomes_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<int>("signal");
    QTest::addColumn<QList<int>>("pipeStatus");
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("expected");
    const QList<int> none;
    const auto row = [](const char* name) -> QTestData& {
        return QTest::newRow(name);
    };

    // Searches that found nothing.
    row("grep no match") << "grep -rn TODO src/" << 1 << 0 << none << ""
                         << "no-result";
    row("grep error exit 2") << "grep foo missing.txt" << 2 << 0 << none << "grep: missing.txt: No such file"
                             << "error";
    row("grep -c printing 0") << "grep -c Traceback app.log" << 1 << 0 << none << "0\n"
                              << "no-result";
    row("egrep, rg, ag no match") << "rg legendItems src/" << 1 << 0 << none << ""
                                  << "no-result";
    row("ag no match") << "ag --ts useLegend" << 1 << 0 << none << ""
                       << "no-result";
    row("git grep no match") << "git grep -n amt_cents" << 1 << 0 << none << ""
                             << "no-result";
    row("git grep via sudo") << "sudo grep -r secret /etc" << 1 << 0 << none << ""
                             << "no-result";
    row("grep found matches") << "grep -n error: log" << 0 << 0 << none << "3: error: disk"
                              << "ok";
    // Comparisons that found differences.
    row("diff differs") << "diff a.conf b.conf" << 1 << 0 << none << "17c17\n< a\n---\n> b\n"
                        << "no-result";
    row("diff trouble") << "diff a.conf nope" << 2 << 0 << none << "diff: nope: No such file or directory"
                        << "error";
    row("cmp differs") << "cmp a b" << 1 << 0 << none << "a b differ: byte 1"
                       << "no-result";
    row("git diff --exit-code") << "git diff --exit-code" << 1 << 0 << none << "diff --git a/x b/x"
                                << "no-result";
    row("git diff outside a repo") << "git diff --exit-code" << 129 << 0 << none << ""
                                   << "error";
    // Tests that said no.
    row("test -f no") << "test -f build.ninja" << 1 << 0 << none << ""
                      << "no-result";
    row("[ no") << "[ -d build ]" << 1 << 0 << none << ""
                << "no-result";
    row("[[ no") << "[[ -n \"$CC\" ]]" << 1 << 0 << none << ""
                 << "no-result";
    row("[ ... ] && echo") << "[ -d build/coverage ] && echo yes" << 1 << 0 << none << ""
                           << "no-result";
    row("test syntax error") << "[ -f ]]" << 2 << 0 << none << "bash: [: missing `]'"
                             << "error";
    row("a failing program before a search")
        << "cd nowhere && grep x y" << 1 << 0 << none << "bash: cd: nowhere: No such file or directory"
        << "error";
    // Stopped by the expert.
    row("npm run dev ^C") << "npm run dev" << 130 << 0 << none << "VITE ready in 412 ms"
                          << "stopped";
    row("http.server ^C") << "python3 -m http.server 8000" << 130 << 0 << none << ""
                          << "stopped";
    row("tail -f SIGINT") << "tail -f /var/log/app.log" << 130 << 2 << none << "ERROR: boom"
                          << "stopped";
    row("watch ^C") << "watch -n 2 kubectl get pods" << 130 << 0 << none << ""
                    << "stopped";
    row("journalctl -f ^C") << "sudo journalctl -fu app" << 130 << 0 << none << ""
                            << "stopped";
    row("docker logs -f ^C") << "docker logs -f --tail 10 app" << 130 << 0 << none << "Error: x"
                             << "stopped";
    row("kubectl logs -f ^C") << "kubectl -n staging logs -f deploy/api" << 130 << 0 << none << ""
                              << "stopped";
    row("pager ^C") << "less app.log" << 130 << 0 << none << ""
                    << "stopped";
    row("editor ^C") << "vim x.py" << 130 << 0 << none << ""
                     << "stopped";
    row("own server says it serves") << ".venv/bin/python app.py" << 130 << 0 << none
                                     << " * Running on http://127.0.0.1:5000"
                                     << "stopped";
    row("a build cut short stays an error") << "make -j8" << 130 << 0 << none << ""
                                            << "error";
    row("tail without -f ^C") << "tail -n 5 log" << 130 << 0 << none << ""
                              << "error";
    row("a server that crashed") << "npm run dev" << 1 << 0 << none << "Error: Cannot find module 'vite'"
                                 << "error";
    row("docker compose up -d cut short") << "docker compose up -d" << 130 << 0 << none << ""
                                          << "error";
    // Pipelines.
    row("grep | head, grep found nothing") << "grep foo log | head" << 0 << 0 << QList<int>{1, 0} << ""
                                           << "no-result";
    row("grep | head, all fine") << "grep foo log | head" << 0 << 0 << QList<int>{0, 0} << "foo"
                                 << "ok";
    row("make | tee hides a failure") << "make test 2>&1 | tee log" << 0 << 0 << QList<int>{2, 0} << ""
                                      << "error";
    row("cat | head SIGPIPE is fine") << "cat big.log | head -1" << 0 << 0 << QList<int>{141, 0} << "x"
                                      << "ok";
    row("last command decides") << "ls out/ | grep 2026-12" << 1 << 0 << QList<int>{0, 1} << ""
                                << "no-result";
    row("last command fails") << "cat x | jq .a" << 4 << 0 << QList<int>{0, 4} << "jq: error"
                              << "error";
    row("pipestatus of another shape is not trusted") << "f | g" << 0 << 0 << QList<int>{1, 0, 0} << ""
                                                      << "ok";
    // Ordinary failures and successes.
    row("exit 2") << "make" << 2 << 0 << none << ""
                  << "error";
    row("exit 0 with error text") << "./deploy.sh" << 0 << 0 << none << "Error: no credentials"
                                  << "error";
    row("exit 0") << "ls" << 0 << 0 << none << "a b"
                  << "ok";
    row("systemctl status of a dead unit") << "systemctl status nginx" << 3 << 0 << none << "Active: failed"
                                           << "no-result";
    row("systemctl restart denied") << "systemctl restart nginx" << 1 << 0 << none << "Access denied"
                                    << "error";
    // Issue 26: Ctrl-C on a follower or a server however it is reached.
    row("ssh host 'sudo journalctl -f' ^C")
        << "ssh -t web-01 'sudo journalctl -u api -f'" << 130 << 0 << none << "Connection to web-01 closed."
        << "stopped";
    row("ssh host tail -f ^C") << "ssh web-02 tail -f /var/log/api/api.log" << 130 << 0 << none << ""
                               << "stopped";
    row("ssh host 'follower | grep' ^C") << "ssh web-01 'journalctl -fu nginx | grep 502'" << 130 << 0 << none << ""
                                         << "stopped";
    row("ssh host watch ^C") << "ssh -t web-01 'watch -n 5 \"systemctl is-active api\"'" << 130 << 0 << none << ""
                             << "stopped";
    row("docker exec tail -F ^C") << "docker exec -it shop-worker-1 tail -F /app/log/worker.log" << 130 << 0 << none
                                  << ""
                                  << "stopped";
    row("docker compose exec tail -f ^C")
        << "docker compose exec worker tail -f /app/log/worker.log" << 130 << 0 << none << "ERROR: job dropped"
        << "stopped";
    row("kubectl exec -- tail -f ^C") << "kubectl -n prod exec -it worker-0 -- tail -f /var/log/worker.log" << 130 << 0
                                      << none << "command terminated with exit code 130"
                                      << "stopped";
    row("nice server ^C") << "nice -n 19 python3 -m http.server 8000" << 130 << 0 << none << ""
                          << "stopped";
    row("env follower ^C") << "env TZ=UTC journalctl --follow -u app" << 130 << 0 << none << ""
                           << "stopped";
    row("timeout follower ^C") << "timeout 600 kubectl -n prod logs -f deploy/api" << 130 << 0 << none << ""
                               << "stopped";
    row("sudo less +F ^C") << "sudo less +F /var/log/syslog" << 130 << 0 << none << ""
                           << "stopped";
    row("sh -c follower ^C") << "sudo sh -c 'tail -f /var/log/app/*.log'" << 130 << 0 << none << ""
                             << "stopped";
    // ... and what only looks like it.
    row("tail -f of a missing file") << "tail -f /var/log/api/access.log" << 1 << 0 << none
                                     << "tail: cannot open '/var/log/api/access.log' for reading: No such file"
                                     << "error";
    row("ssh tail -f of a missing file") << "ssh web-02 'tail -f /var/log/api/access.log'" << 1 << 0 << none
                                         << "tail: no files remaining"
                                         << "error";
    row("ssh that cannot connect to follow")
        << "ssh web-09 'journalctl -f'" << 255 << 0 << none << "ssh: Could not resolve hostname web-09"
        << "error";
    row("a build through ssh cut short") << "ssh build-01 'cd /srv/api && make -j8'" << 130 << 0 << none << ""
                                         << "error";
    row("a build through docker compose exec cut short")
        << "docker compose exec api cargo build" << 130 << 0 << none << ""
        << "error";
    row("docker compose logs -f of no such service")
        << "docker compose logs -f workr" << 1 << 0 << none << "no such service: workr"
        << "error";
    // Lookups that answer "no" have no result.
    row("which finds nothing") << "which cargo-nextest" << 1 << 0 << none << ""
                               << "no-result";
    row("which finds it") << "which cargo" << 0 << 0 << none << "/usr/bin/cargo"
                          << "ok";
    row("command -v finds nothing") << "command -v duckdb" << 1 << 0 << none << ""
                                    << "no-result";
    row("command runs a program that fails") << "command make" << 1 << 0 << none << ""
                                             << "error";
    row("type finds nothing") << "type cross" << 1 << 0 << none << "bash: type: cross: not found"
                              << "no-result";
    row("fish type -q finds nothing") << "type -q golangci-lint" << 1 << 0 << none << ""
                                      << "no-result";
    row("pgrep finds nothing") << "pgrep -a shipper" << 1 << 0 << none << ""
                               << "no-result";
    row("pidof finds nothing") << "pidof shipper" << 1 << 0 << none << ""
                               << "no-result";
    row("id of no such user") << "id api" << 1 << 0 << none << "id: 'api': no such user"
                              << "no-result";
    row("id without a user failing") << "id" << 1 << 0 << none << ""
                                     << "error";
    row("getent finds no entry") << "getent hosts git.acme.io" << 2 << 0 << none << ""
                                 << "no-result";
    row("getent of no such database") << "getent nosuchdb x" << 1 << 0 << none << "Unknown database: nosuchdb"
                                      << "error";
    row("systemctl is-active says inactive") << "systemctl is-active api" << 3 << 0 << none << "inactive"
                                             << "no-result";
    row("systemctl is-enabled says disabled") << "systemctl is-enabled api-metrics" << 1 << 0 << none << "disabled"
                                              << "no-result";
    row("systemctl is-failed says not failed") << "systemctl is-failed api" << 1 << 0 << none << "active"
                                               << "no-result";
    row("systemctl enable of no such unit") << "sudo systemctl enable nope" << 1 << 0 << none
                                            << "Failed to enable unit: Unit file nope.service does not exist."
                                            << "error";
    row("git diff --quiet differs") << "git diff --quiet -- scripts/" << 1 << 0 << none << ""
                                    << "no-result";
    row("cmp -s differs") << "cmp -s out/a.csv out/b.csv" << 1 << 0 << none << ""
                          << "no-result";
    row("cmp -s of a missing file") << "cmp -s out/a.csv out/none.csv" << 2 << 0 << none << ""
                                    << "error";
    row("grep -q finds nothing") << "grep -q CHF config/currencies.yml" << 1 << 0 << none << ""
                                 << "no-result";
    row("grep -q of a missing file") << "grep -q CHF config/none.yml" << 2 << 0 << none << ""
                                     << "error";
    row("jq -e on null") << "jq -e '.rates.CHF' fx.json" << 1 << 0 << none << "null"
                         << "no-result";
    row("jq -e on broken JSON") << "jq -e '.rates.CHF' fx.json" << 5 << 0 << none << "jq: error: parse error"
                                << "error";
    row("lookup through ssh") << "ssh deploy@web-01 'pgrep -x nginx'" << 1 << 0 << none << ""
                              << "no-result";
    row("unit query through ssh") << "ssh deploy@web-01 'systemctl is-active api'" << 3 << 0 << none << "activating"
                                  << "no-result";
    row("lookup through ssh that cannot connect") << "ssh deploy@web-03 'pgrep -x nginx'" << 255 << 0 << none
                                                  << "ssh: connect to host web-03 port 22: Connection refused"
                                                  << "error";
    row("lookup through kubectl exec") << "kubectl -n prod exec worker-0 -- which curl" << 1 << 0 << none
                                       << "command terminated with exit code 1"
                                       << "no-result";
    row("lookup through docker compose exec") << "docker compose exec worker pgrep -f celery" << 1 << 0 << none << ""
                                              << "no-result";
    row("a failure through docker compose exec") << "docker compose exec worker celery status" << 1 << 0 << none
                                                 << "Error: No nodes replied within time constraint"
                                                 << "error";
    // Held-out set: tracers and monitors attached to something running, and more lookups.
    row("strace -p ^C") << "sudo strace -f -p 8812 -e trace=network" << 130 << 0 << none << "accept4(6, ...) = 11"
                        << "stopped";
    row("redis-cli monitor ^C") << "redis-cli -h cache.int monitor" << 130 << 0 << none << "OK"
                                << "stopped";
    row("strace of a command cut short") << "strace -f make" << 130 << 0 << none << ""
                                         << "error";
    row("redis-cli of another command cut short") << "redis-cli -h cache.int --scan" << 130 << 0 << none << ""
                                                  << "error";
    row("lsof finds nothing") << "lsof -i :3000" << 1 << 0 << none << ""
                              << "no-result";
    row("kpsewhich finds nothing") << "kpsewhich tcolorbox.sty" << 1 << 0 << none << ""
                                   << "no-result";
    row("locate finds nothing") << "locate pg_hba.conf" << 1 << 0 << none << ""
                                << "no-result";
    row("kpsewhich that fails") << "kpsewhich --bogus x" << 2 << 0 << none << "kpsewhich: unrecognized option"
                                << "error";
    row("fish ; and: the test decides") << "git diff --quiet; and echo clean" << 1 << 0 << none << ""
                                        << "no-result";
    row("; runs on: the last command decides") << "git diff --quiet; make" << 2 << 0 << none << ""
                                               << "error";
    // Error text in what a viewer shows, wherever it runs, is content.
    row("a remote journal with an error in it") << "ssh -t web-02 'sudo journalctl -u api -n 30 --no-pager'" << 0 << 0
                                                << none << "api[2301]: Error: EACCES: permission denied"
                                                << "ok";
    row("a remote script printing an error") << "ssh web-02 ./deploy.sh" << 0 << 0 << none << "Error: no credentials"
                                             << "error";
}

void TestShellOutcome::outcomes()
{
    QFETCH(QString, command);
    QFETCH(int, exitCode);
    QFETCH(int, signal);
    QFETCH(QList<int>, pipeStatus);
    QFETCH(QString, output);
    QFETCH(QString, expected);
    ShellStep shell;
    shell.command = command.toStdString();
    shell.hasExit = true;
    shell.exitKnown = true;
    shell.exitCode = exitCode;
    shell.signal = signal;
    shell.pipeStatus.assign(pipeStatus.begin(), pipeStatus.end());
    shell.outputCaptured = true;
    shell.outputHead = output.toStdString();
    const ShellOutcome judged = judgeFinishedCommand(shell);
    QCOMPARE(toString(judged.outcome), expected);
    // Every outcome says why, except plain ok.
    if (judged.outcome == StepOutcome::Error)
        QVERIFY(!judged.errorReasons.isEmpty());
    if (judged.outcome == StepOutcome::NoResult || judged.outcome == StepOutcome::Stopped)
        QVERIFY(!judged.reason.isEmpty());
}

QTEST_GUILESS_MAIN(TestShellOutcome)
#include "TestShellOutcome.moc"
