#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"
#include "chains/export/JsonWriter.h"
#include "chains/families/shell/RetryDetector.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellStep.h"
#include "chains/families/window/AppStep.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

// Scripts are small: one line per thing the expert did.
//   "A$ make test =2 #> output"   command in shell A, exit 2, with output
//   "A$ sleep 9 =130!2"           exit 130 after signal 2
//   "A~ make"                     started, never finished
//   "app Firefox|Rust docs"       switch to an app with a title
//   "title New title"             the active window's title changed
//   "note text"                   a note
//   "wait 700"                    seconds pass
// Expected marks, one token per step: the outcome (ok, error, interrupted) for shell
// steps, "app" or "note" otherwise, followed by /rN (retry of step N), /aN (attempt N
// when > 1), /recN (recovers the failure at step N), /w (a failed attempt that was
// retried later).
class TestTrajectory final : public QObject
{
    Q_OBJECT

private:
    std::optional<Trajectory> run(const QStringList& script, QString* sessionIdOut = nullptr,
                                  QHash<int, QString>* startedIds = nullptr);
    static QString marks(const Trajectory& trajectory);

    test::TempDatabase m_database;
    std::unique_ptr<store::Store> m_store;

private Q_SLOTS:
    void init();
    void retries_data();
    void retries();
    void distance();
    void thoughtsFromNotesThenReviewers();
    void appStepsCollectTitles();
    void annotationsAndRedactionsApply();
    void unreadableEventsStayVisible();
    void configurableWindowAndDistance();
    void unknownExitStatusIsNeitherOkNorError();
    void observationsOfShellSteps();
};

void TestTrajectory::init()
{
    m_store.reset();
    QFile::remove(m_database.path());
    m_store = m_database.open();
    QVERIFY(m_store);
}

std::optional<Trajectory> TestTrajectory::run(const QStringList& script, QString* sessionIdOut,
                                              QHash<int, QString>* startedIds)
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("fix the build"));
    {
        test::SessionScript session(*m_store, sessionId);
        int line = 0;
        for (const QString& entry : script) {
            QString id;
            if (entry.startsWith(QLatin1String("wait "))) {
                session.advanceMs(entry.mid(5).toLongLong() * 1000);
            } else if (entry.startsWith(QLatin1String("app "))) {
                const QStringList parts = entry.mid(4).split(QLatin1Char('|'));
                id = session.appSwitch(parts.value(0), parts.value(1));
            } else if (entry.startsWith(QLatin1String("title "))) {
                id = session.titleChange(entry.mid(6));
            } else if (entry.startsWith(QLatin1String("note "))) {
                id = session.note(entry.mid(5));
            } else if (entry.size() > 2 && entry.at(1) == QLatin1Char('~')) {
                id = session.startCommand(entry.mid(3).toUtf8(), QStringLiteral("shell-") + entry.at(0));
            } else if (entry.size() > 2 && entry.at(1) == QLatin1Char('$')) {
                QString rest = entry.mid(3);
                QString output;
                if (const qsizetype at = rest.indexOf(QLatin1String(" #> ")); at >= 0) {
                    output = rest.mid(at + 4);
                    rest.truncate(at);
                }
                const qsizetype equals = rest.lastIndexOf(QLatin1String(" ="));
                const QString status = rest.mid(equals + 2);
                const int exitCode = status.section(QLatin1Char('!'), 0, 0).toInt();
                const int signal = status.section(QLatin1Char('!'), 1, 1).toInt();
                id = session.command(rest.left(equals).toUtf8(), exitCode, output.toUtf8(),
                                     QStringLiteral("shell-") + entry.at(0), 300, signal);
                session.advanceMs(2000);
            } else {
                qWarning("bad script line %s", qPrintable(entry));
                return std::nullopt;
            }
            if (startedIds && !id.isEmpty())
                startedIds->insert(line, id);
            ++line;
            session.advanceMs(1000);
        }
        if (!session.flush())
            return std::nullopt;
    }
    if (sessionIdOut)
        *sessionIdOut = sessionId;
    QString error;
    auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    if (!trajectory)
        qWarning("load failed: %s", qPrintable(error));
    return trajectory;
}

QString TestTrajectory::marks(const Trajectory& trajectory)
{
    QStringList tokens;
    for (const Step& step : trajectory.steps) {
        QString token = step.tool() == "shell" ? toString(step.outcome) : step.toolText();
        if (step.retryOf >= 0)
            token += QStringLiteral("/r%1").arg(step.retryOf);
        if (step.attempt > 1)
            token += QStringLiteral("/a%1").arg(step.attempt);
        if (step.recovers >= 0)
            token += QStringLiteral("/rec%1").arg(step.recovers);
        if (step.retriedBy >= 0)
            token += QStringLiteral("/w");
        tokens.append(token);
    }
    return tokens.join(QLatin1Char(' '));
}

void TestTrajectory::retries_data()
{
    QTest::addColumn<QStringList>("script");
    QTest::addColumn<QString>("expected");

    QTest::newRow("same command twice on purpose, both succeed")
        << QStringList{QStringLiteral("A$ make =0"), QStringLiteral("A$ make =0")} << QStringLiteral("ok ok");
    QTest::newRow("fix in an editor, then re-run")
        << QStringList{QStringLiteral("A$ python3 x.py =1 #> Traceback (most recent call last):"),
                       QStringLiteral("A$ vim x.py =0"), QStringLiteral("A$ python3 x.py =0")}
        << QStringLiteral("error/w ok ok/r0/a2/rec0");
    QTest::newRow("fix with sed -i, then re-run")
        << QStringList{QStringLiteral("A$ pytest tests/test_io.py =1 #> 1 FAILED, 3 passed"),
                       QStringLiteral("A$ sed -i 's/open(p)/open(p, \"rb\")/' io.py =0"),
                       QStringLiteral("A$ pytest tests/test_io.py =0 #> 4 passed")}
        << QStringLiteral("error/w ok ok/r0/a2/rec0");
    QTest::newRow("interleaved shells: the same command in another shell is a retry")
        << QStringList{QStringLiteral("A$ make build =2"), QStringLiteral("B$ make build =0")}
        << QStringLiteral("error/w ok/r0/a2/rec0");
    QTest::newRow("interleaved shells: running it again after the retry succeeded is none")
        << QStringList{QStringLiteral("A$ make build =2"), QStringLiteral("B$ make build =0"),
                       QStringLiteral("A$ make build =0")}
        << QStringLiteral("error/w ok/r0/a2/rec0 ok");
    QTest::newRow("retry after an app switch and back")
        << QStringList{QStringLiteral("A$ cargo test =101"), QStringLiteral("app Firefox|E0382 borrow of moved value"),
                       QStringLiteral("app XTerm|~/project"), QStringLiteral("A$ cargo test =0")}
        << QStringLiteral("error/w app app ok/r0/a2/rec0");
    QTest::newRow("three attempts with growing edits")
        << QStringList{QStringLiteral("A$ gcc x.c =1"), QStringLiteral("A$ gcc -Wall x.c =1"),
                       QStringLiteral("A$ gcc -Wall x.c -lm =0")}
        << QStringLiteral("error/w error/r0/a2/w ok/r1/a3/rec0");
    QTest::newRow("typo fixed: small edit distance")
        << QStringList{QStringLiteral("A$ gti status =127 #> bash: gti: command not found"),
                       QStringLiteral("A$ git status =0")}
        << QStringLiteral("error/w ok/r0/a2/rec0");
    QTest::newRow("outside the time window")
        << QStringList{QStringLiteral("A$ make =2"), QStringLiteral("wait 700"), QStringLiteral("A$ make =0")}
        << QStringLiteral("error ok");
    QTest::newRow("fail, recover, then a deliberate re-run")
        << QStringList{QStringLiteral("A$ make =2"), QStringLiteral("A$ make =0"), QStringLiteral("A$ make =0")}
        << QStringLiteral("error/w ok/r0/a2/rec0 ok");
    QTest::newRow("an unrelated command after a failure")
        << QStringList{QStringLiteral("A$ make =2"), QStringLiteral("A$ ls -la =0")} << QStringLiteral("error ok");
    QTest::newRow("same program and first argument, different options")
        << QStringList{QStringLiteral("A$ pytest tests/ =1"),
                       QStringLiteral("A$ pytest tests/ -x -k 'not slow and not network' --maxfail=1 =0")}
        << QStringLiteral("error/w ok/r0/a2/rec0");
    QTest::newRow("retry that fails again is not a recovery")
        << QStringList{QStringLiteral("A$ npm test =1"), QStringLiteral("A$ npm test =1")}
        << QStringLiteral("error/w error/r0/a2");
    QTest::newRow("error text with exit 0, then the fix")
        << QStringList{QStringLiteral("A$ ./deploy.sh staging =0 #> Error: no credentials"),
                       QStringLiteral("A$ ./deploy.sh staging =0 #> deployed")}
        << QStringLiteral("error/w ok/r0/a2/rec0");
    QTest::newRow("searching for error text is no error")
        << QStringList{QStringLiteral("A$ grep -rn error: logs =0 #> logs/a.log:3: error: disk full")}
        << QStringLiteral("ok");
    QTest::newRow("reading a log full of errors is no error")
        << QStringList{QStringLiteral(
                           "A$ tail -n 50 /var/log/app.log =0 #> ERROR: disk full\nTraceback (most recent call last):"),
                       QStringLiteral("A$ git log -3 =0 #> fix: FAILED build"),
                       QStringLiteral("A$ sudo journalctl -u app =0 #> panic: nil map")}
        << QStringLiteral("ok ok ok");
    QTest::newRow("a viewer that fails still fails")
        << QStringList{QStringLiteral("A$ cat missing.txt =1 #> cat: missing.txt: No such file or directory")}
        << QStringLiteral("error");
    QTest::newRow("killed by a signal") << QStringList{QStringLiteral("A$ sleep 100 =130!2")}
                                        << QStringLiteral("error");
    QTest::newRow("started, never finished")
        << QStringList{QStringLiteral("A~ ./server --port 8080"), QStringLiteral("A$ ./server --port 8080 =0")}
        << QStringLiteral("interrupted ok");
    QTest::newRow("notes are steps of their own")
        << QStringList{QStringLiteral("note the build fails on CI"), QStringLiteral("A$ make =2"),
                       QStringLiteral("note missing header"), QStringLiteral("A$ make =0")}
        << QStringLiteral("note error/w note ok/r1/a2/rec1");
}

void TestTrajectory::retries()
{
    QFETCH(QStringList, script);
    QFETCH(QString, expected);
    const auto trajectory = run(script);
    QVERIFY(trajectory);
    QCOMPARE(marks(*trajectory), expected);
}

void TestTrajectory::distance()
{
    QCOMPARE(RetryDetector::normalisedDistance("make", "make"), 0.0);
    QCOMPARE(RetryDetector::normalisedDistance("abc", "xyz"), 1.0);
    QCOMPARE(RetryDetector::normalisedDistance("gti status", "git status"), 0.2);
    QCOMPARE(RetryDetector::normalisedDistance("", "ls"), 1.0);
    const RetryDetector detector;
    QVERIFY(detector.similar("FOO=1 sudo make install", "make install -j4 V=1"));
    QVERIFY(!detector.similar("git commit -m x", "git push origin main"));
    QVERIFY(!detector.similar("vim x.py", "python x.py"));
}

void TestTrajectory::thoughtsFromNotesThenReviewers()
{
    QHash<int, QString> ids;
    QString sessionId;
    // Reviewer rationale on the second command, which has no note before it.
    auto trajectory = run({QStringLiteral("note first a goal"), QStringLiteral("note check the logs first"),
                           QStringLiteral("A$ tail -n 50 /var/log/app.log =0"), QStringLiteral("A$ make =0"),
                           QStringLiteral("note all green now")},
                          &sessionId, &ids);
    QVERIFY(trajectory);
    v1::Annotation annotation;
    annotation.set_session_id(sessionId.toStdString());
    annotation.set_target_id(ids.value(3).toStdString());
    annotation.set_reviewer("rita");
    annotation.set_rationale("rebuild to see whether the log error is still there");
    annotation.set_rating(1);
    annotation.set_has_rating(true);
    annotation.add_labels("good-check");
    QString error;
    QVERIFY2(m_store->addAnnotation(annotation, &error), qPrintable(error));
    trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY2(trajectory, qPrintable(error));

    QCOMPARE(trajectory->steps.size(), size_t(5));
    const Step& tail = trajectory->steps.at(2);
    QCOMPARE(tail.thought, QStringLiteral("check the logs first")); // the latest note wins
    QCOMPARE(tail.thoughtSource, QStringLiteral("note"));
    const Step& make = trajectory->steps.at(3);
    QCOMPARE(make.thought, QStringLiteral("rebuild to see whether the log error is still there"));
    QCOMPARE(make.thoughtSource, QStringLiteral("reviewer"));
    QCOMPARE(make.rating(), std::optional<int>(1));
    QCOMPARE(make.labels(), QStringList{QStringLiteral("good-check")});
    QVERIFY(!tail.rating());
    QCOMPARE(trajectory->closingNotes, QStringList{QStringLiteral("all green now")});
    QVERIFY(trajectory->steps.at(0).thought.isEmpty()); // notes carry no thought themselves
}

void TestTrajectory::appStepsCollectTitles()
{
    const auto trajectory =
        run({QStringLiteral("app Firefox|Issue #12"), QStringLiteral("title Pull request #13"),
             QStringLiteral("title CI run 77"), QStringLiteral("A$ make =0"), QStringLiteral("app Code|main.rs")});
    QVERIFY(trajectory);
    QCOMPARE(trajectory->steps.size(), size_t(3));
    const Step& firefox = trajectory->steps.at(0);
    QVERIFY(firefox.tool() == "app");
    QCOMPARE(
        firefox.as<AppStep>()->titles,
        (QStringList{QStringLiteral("Issue #12"), QStringLiteral("Pull request #13"), QStringLiteral("CI run 77")}));
    QCOMPARE(firefox.eventIds.size(), size_t(3));
    QCOMPARE(firefox.actionText(), QStringLiteral("switch to Firefox — Issue #12"));
    QVERIFY(firefox.observationText().contains(QStringLiteral("Then: CI run 77")));
    // The app stayed active until the switch to Code.
    QCOMPARE(firefox.endNs, trajectory->steps.at(2).startNs);
    QVERIFY(firefox.durationNs > 0);
}

void TestTrajectory::annotationsAndRedactionsApply()
{
    QHash<int, QString> ids;
    QString sessionId;
    QVERIFY(run({QStringLiteral("A$ curl -u admin:hunter2 https://x =0 #> token=abc123 ok")}, &sessionId, &ids));
    v1::Annotation annotation;
    annotation.set_session_id(sessionId.toStdString());
    annotation.set_target_id(ids.value(0).toStdString());
    annotation.set_reviewer("rita");
    auto* span = annotation.add_redactions();
    span->set_field("command");
    span->set_offset(8);
    span->set_length(13);
    span->set_reason("secret");
    auto* output = annotation.add_redactions();
    output->set_field("output_head");
    output->set_offset(6);
    output->set_length(6);
    output->set_reason("secret");
    QString error;
    QVERIFY2(m_store->addAnnotation(annotation, &error), qPrintable(error));
    v1::Annotation verdict;
    verdict.set_session_id(sessionId.toStdString());
    verdict.set_target_id(sessionId.toStdString());
    verdict.set_reviewer("rita");
    verdict.set_verdict(v1::Annotation::VERDICT_ACCEPTED);
    QVERIFY2(m_store->addAnnotation(verdict, &error), qPrintable(error));

    QStringList seenCommands;
    const auto trajectory = TrajectoryBuilder::load(
        *m_store, sessionId, {},
        [&](const v1::Event& event, QString*) {
            if (event.has_command_started())
                seenCommands.append(QString::fromStdString(event.command_started().command()));
            return true;
        },
        &error);
    QVERIFY2(trajectory, qPrintable(error));
    const Step& step = trajectory->steps.at(0);
    QCOMPARE(QString::fromStdString(step.as<ShellStep>()->command),
             QStringLiteral("curl -u [REDACTED:secret] https://x"));
    QCOMPARE(QString::fromStdString(step.as<ShellStep>()->outputHead), QStringLiteral("token=[REDACTED:secret] ok"));
    QCOMPARE(seenCommands, QStringList{QStringLiteral("curl -u [REDACTED:secret] https://x")});
    QCOMPARE(step.annotations.size(), 1);
    QCOMPARE(trajectory->sessionAnnotations.size(), 1);
    QCOMPARE(trajectory->verdict(), v1::Annotation::VERDICT_ACCEPTED);
}

void TestTrajectory::unreadableEventsStayVisible()
{
    QString sessionId;
    QVERIFY(
        run({QStringLiteral("A$ make =2"), QStringLiteral("note broken"), QStringLiteral("A$ make =0")}, &sessionId));
    // Damage the note's payload on disk, as a failing disk or a foreign writer would.
    QVERIFY(store::sqliteExec(m_store->handle(), "UPDATE events SET payload = x'ffffffff' WHERE seq = 2", nullptr));
    QString error;
    const auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY2(trajectory, qPrintable(error));
    QCOMPARE(trajectory->unreadable.size(), size_t(1));
    QCOMPARE(trajectory->unreadable.front().seq, 2);
    QVERIFY(!trajectory->unreadable.front().error.isEmpty());
    QCOMPARE(marks(*trajectory), QStringLiteral("error/w ok/r0/a2/rec0"));
}

void TestTrajectory::configurableWindowAndDistance()
{
    QString sessionId;
    QVERIFY(
        run({QStringLiteral("A$ make =2"), QStringLiteral("wait 100"), QStringLiteral("A$ make all =0")}, &sessionId));
    QString error;
    auto defaults = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY(defaults);
    QCOMPARE(marks(*defaults), QStringLiteral("error ok")); // "make" vs "make all": 0.5 apart
    TrajectoryBuilder::Options loose;
    loose.retry.maxDistance = 0.6;
    auto looser = TrajectoryBuilder::load(*m_store, sessionId, loose, {}, &error);
    QVERIFY(looser);
    QCOMPARE(marks(*looser), QStringLiteral("error/w ok/r0/a2/rec0"));
    TrajectoryBuilder::Options narrow = loose;
    narrow.retry.windowNs = 60LL * 1'000'000'000;
    auto narrower = TrajectoryBuilder::load(*m_store, sessionId, narrow, {}, &error);
    QVERIFY(narrower);
    QCOMPARE(marks(*narrower), QStringLiteral("error ok"));
}

void TestTrajectory::unknownExitStatusIsNeitherOkNorError()
{
    // zsh/bash history imports: commands without exit status or duration.
    const QString sessionId = test::createSession(*m_store, QStringLiteral("imported"));
    {
        test::SessionScript script(*m_store, sessionId);
        for (int i = 0; i < 2; ++i) {
            script.startCommand("make test");
            v1::Event finished;
            finished.mutable_command_finished()->set_command_id(QStringLiteral("cmd-%1").arg(i + 1).toStdString());
            finished.mutable_command_finished()->set_exit_code_unknown(true);
            finished.mutable_command_finished()->set_duration_unknown(true);
            script.append(finished);
        }
        QVERIFY(script.flush());
    }
    QString error;
    const auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY2(trajectory, qPrintable(error));
    QCOMPARE(marks(*trajectory), QStringLiteral("unknown unknown")); // no failure, so no retry
    const Step& step = trajectory->steps.front();
    QVERIFY(step.as<ShellStep>()->hasExit && !step.as<ShellStep>()->exitKnown);
    QCOMPARE(step.durationNs, 0);
    QVERIFY(step.observationText().contains(QStringLiteral("exit status not recorded")));
}

void TestTrajectory::observationsOfShellSteps()
{
    Step step;
    step.family = &shellFamily();
    step.detail = std::make_unique<ShellStep>();
    ShellStep& shell = *step.as<ShellStep>();
    shell.hasExit = true;
    shell.exitKnown = true;
    shell.outputCaptured = true;
    shell.outputTruncated = true;
    shell.outputHead = "line1";
    shell.outputTail = "end\n";
    shell.outputBytes = 1000;
    QCOMPARE(step.observationText(),
             QStringLiteral("line1\n[... 991 bytes of output omitted ...]\nend\n[exit code 0]"));
    // Exporters write the pieces without joining: the same text, escaped.
    std::string out;
    JsonWriter json(out);
    json.beginObject().key("o");
    exportutil::writeObservation(json, step);
    json.endObject();
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(out)).object().value(QStringLiteral("o")).toString(),
             step.observationText());

    shell.outputCaptured = false;
    shell.exitCode = 3;
    QCOMPARE(step.observationText(), QStringLiteral("[output not captured]\n[exit code 3]"));
    shell.signal = 9;
    shell.exitCode = 137;
    QCOMPARE(step.observationText(), QStringLiteral("[output not captured]\n[killed by signal 9, exit code 137]"));
    shell.hasExit = false;
    QCOMPARE(step.observationText(),
             QStringLiteral("[no exit status recorded: interrupted, or the recording stopped]"));
    shell.hasExit = true;
    shell.outputCaptured = true;
    shell.outputTruncated = false;
    shell.outputHead = "ok\n";
    shell.signal = 0;
    shell.exitCode = 0;
    QCOMPARE(step.observationText(), QStringLiteral("ok\n[exit code 0]"));
}

QTEST_GUILESS_MAIN(TestTrajectory)
#include "TestTrajectory.moc"
