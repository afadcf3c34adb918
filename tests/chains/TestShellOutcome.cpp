#include "chains/families/shell/RetryDetector.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellOutcome.h"
#include "chains/families/shell/ShellStep.h"

#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

// Both sides of each outcome class and each retry class of issue 12: what must be
// caught, and what must not.
class TestShellOutcome final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outcomes_data();
    void outcomes();
    void retries_data();
    void retries();
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

void TestShellOutcome::retries_data()
{
    QTest::addColumn<QString>("failed");
    QTest::addColumn<QString>("between");
    QTest::addColumn<QString>("again");
    QTest::addColumn<bool>("otherTerminal");
    QTest::addColumn<bool>("retry");
    const auto row = [](const char* name) -> QTestData& {
        return QTest::newRow(name);
    };

    row("pip, then the venv's pip") << "pip install x"
                                    << ""
                                    << ".venv/bin/pip install x" << false << true;
    row("python3, then the venv's python") << "python3 s.py"
                                           << ""
                                           << ".venv/bin/python s.py" << false << true;
    row("sudo prefix") << "systemctl restart nginx"
                       << ""
                       << "sudo systemctl restart nginx" << false << true;
    row("npx wrapper") << "eslint src/"
                       << ""
                       << "npx eslint src/" << false << true;
    row("uv run wrapper") << "ruff check ."
                          << ""
                          << "uv run ruff check ." << false << true;
    row("poetry run wrapper") << "python etl/run.py"
                              << ""
                              << "poetry run python etl/run.py" << false << true;
    row("bundle exec wrapper") << "jekyll serve"
                               << ""
                               << "bundle exec jekyll serve" << false << true;
    row("env assignment") << "./nightly.sh"
                          << ""
                          << "env ETL_DATE=1 ./nightly.sh" << false << true;
    row("python -m") << "pytest tests/"
                     << ""
                     << "python3 -m pytest tests/" << false << true;
    row("options added") << "git push"
                         << ""
                         << "git push --set-upstream origin topic" << false << true;
    row("options changed") << "docker run -p 8080:80 nginx"
                           << ""
                           << "docker run -p 8081:80 nginx" << false << true;
    row("compound re-runs it") << "./run_tests"
                               << ""
                               << "make && ./run_tests" << false << true;
    row("typo in the program") << "gti status"
                               << ""
                               << "git status" << false << true;
    row("typo sytemctl") << "sytemctl status nginx"
                         << ""
                         << "systemctl status nginx" << false << true;
    row("typo in the subcommand") << "git stauts"
                                  << ""
                                  << "git status" << false << true;
    row("another terminal") << "make build"
                            << ""
                            << "make build" << true << true;
    row("after the fix in between") << "make lint"
                                    << "make format"
                                    << "make lint" << false << true;
    row("npm script again") << "npm run build"
                            << "npm run typecheck"
                            << "npm run build" << false << true;
    // What is not a retry.
    row("another target after a failure") << "make lint"
                                          << ""
                                          << "make format" << false << false;
    row("another npm script") << "npm run build"
                              << ""
                              << "npm run typecheck" << false << false;
    row("another subcommand") << "git push"
                              << ""
                              << "git status" << false << false;
    row("git pull is no typo of push") << "git push"
                                       << ""
                                       << "git pull --rebase" << false << false;
    row("another host") << "ssh host1"
                        << ""
                        << "ssh host2" << false << false;
    row("another package") << "pip install requests"
                           << ""
                           << "pip install numpy" << false << false;
    row("another namespace verb") << "kubectl -n staging rollout status deploy/api"
                                  << ""
                                  << "kubectl -n staging describe pod api" << false << false;
    row("cd is only the scene") << "cd build && cmake .."
                                << ""
                                << "cd build && make" << false << false;
    row("another program") << "vim x.py"
                           << ""
                           << "python x.py" << false << false;
    row("one letter apart, but both exist") << "cmake --build build"
                                            << ""
                                            << "make --build build" << false << false;
}

void TestShellOutcome::retries()
{
    QFETCH(QString, failed);
    QFETCH(QString, between);
    QFETCH(QString, again);
    QFETCH(bool, otherTerminal);
    QFETCH(bool, retry);
    std::vector<Step> steps;
    const auto add = [&](const QString& command, StepOutcome outcome, const char* terminal) {
        Step step;
        step.index = static_cast<int>(steps.size());
        step.family = &shellFamily();
        step.outcome = outcome;
        step.startNs = step.index * 10'000'000'000LL;
        step.endNs = step.startNs + 1'000'000'000LL;
        auto shell = std::make_unique<ShellStep>();
        shell->command = command.toStdString();
        shell->hasExit = true;
        shell->exitKnown = true;
        // How the shells report a program that does not exist.
        shell->exitCode =
            command.startsWith(QLatin1String("gti")) || command.startsWith(QLatin1String("syt")) ? 127 : 0;
        shell->shellSessionId = terminal;
        step.detail = std::move(shell);
        steps.push_back(std::move(step));
    };
    add(failed, StepOutcome::Error, "t1");
    if (!between.isEmpty())
        add(between, StepOutcome::Ok, "t1");
    add(again, StepOutcome::Ok, otherTerminal ? "t2" : "t1");
    RetryDetector().link(steps);
    QCOMPARE(steps.back().retryOf, retry ? 0 : -1);
    QCOMPARE(steps.back().recovers, retry ? 0 : -1);
    QCOMPARE(steps.front().retriedBy, retry ? steps.back().index : -1);

    // Running it again after it succeeded is never a retry.
    std::vector<Step> rerun;
    rerun.push_back(Step(steps.back()));
    rerun.front().index = 0;
    rerun.front().retryOf = rerun.front().recovers = -1;
    rerun.push_back(Step(rerun.front()));
    rerun.back().index = 1;
    rerun.back().startNs += 20'000'000'000LL;
    RetryDetector().link(rerun);
    QCOMPARE(rerun.back().retryOf, -1);
}

QTEST_GUILESS_MAIN(TestShellOutcome)
#include "TestShellOutcome.moc"
