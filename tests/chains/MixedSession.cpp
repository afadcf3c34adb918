#include "MixedSession.h"

#include "SessionScript.h"
#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/families/EventFamily.h"
#include "store/Store.h"

#include <QRandomGenerator>
#include <QTest>

namespace trailmark::test {
namespace {

v1::Event guiClick(int x, int y, const char* name)
{
    v1::Event event;
    v1::GuiAction* body = event.mutable_gui_action();
    body->set_kind(v1::GuiAction::KIND_CLICK);
    body->set_x(x);
    body->set_y(y);
    body->set_screen_width(1280);
    body->set_screen_height(800);
    body->set_norm_x(x / 1280.0);
    body->set_norm_y(y / 800.0);
    body->set_app_class("Gnome-calculator");
    body->set_window_title("Calculator");
    body->set_element_role("push button");
    body->set_element_name(name);
    body->set_element_path(std::string("frame/panel/") + name);
    body->set_element_status(v1::GuiAction::ELEMENT_STATUS_FOUND);
    return event;
}

v1::Event guiAlert(const char* text)
{
    v1::Event event;
    v1::GuiAlert* body = event.mutable_gui_alert();
    body->set_role("alert");
    body->set_title("Error");
    body->set_text(text);
    body->set_app("Gnome-calculator");
    return event;
}

v1::Event commandStart(const std::string& id, const std::string& command, const char* shell)
{
    v1::Event event;
    v1::CommandStarted* body = event.mutable_command_started();
    body->set_command_id(id);
    body->set_command(command);
    body->set_cwd("/home/ada/src/stock");
    body->set_shell("bash");
    body->set_shell_session_id(shell);
    return event;
}

v1::Event commandFinish(const std::string& id, int exitCode, const std::string& output, qint64 durationNs)
{
    v1::Event event;
    v1::CommandFinished* body = event.mutable_command_finished();
    body->set_command_id(id);
    body->set_exit_code(exitCode);
    body->set_duration_ns(durationNs);
    body->set_output_captured(true);
    body->set_output_head(output);
    body->set_output_bytes(output.size());
    return event;
}

v1::Event fileEdit(const std::string& commandId, const std::string& path, const std::string& diff)
{
    v1::Event event;
    v1::FileEdit* edit = event.mutable_file_edit();
    edit->set_work_tree("/home/ada/src/stock");
    edit->set_command_id(commandId);
    edit->set_command_effects(!commandId.empty());
    if (commandId.empty())
        edit->set_app_class("vim");
    v1::FileChange* change = edit->add_changes();
    change->set_path(path);
    change->set_kind(v1::FileChange::KIND_MODIFIED);
    edit->set_files_changed(1);
    edit->set_diff(diff);
    return event;
}

std::string diffOf(const std::string& path, int line)
{
    return "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -" +
           std::to_string(line) + " +" + std::to_string(line) + " @@\n-    return total\n+    return round(total, 2)\n";
}

} // namespace

// A long working session of every family, in a random but reproducible order.
void writeMixedSession(store::Store& store, const QString& sessionId, quint32 seed, int rounds)
{
    QRandomGenerator random(seed);
    test::SessionScript script(store, sessionId);
    // Screenshots before any step go to the first one.
    script.screenshot(QByteArray(32, '\x11'));
    script.screenshot(QByteArray(32, '\x12'));
    script.note(QStringLiteral("the price report rounds wrong; start with the tests"));
    // A dev server that runs the whole session in its own terminal.
    script.append(commandStart("server", "npm run dev", "shell-S"));
    const char* commands[] = {"pytest tests/test_report.py", "make lint",  "git status",         "pytest",
                              "python -m report --month 11", "gti status", "grep -rn total src/"};
    int nextCommand = 0;
    for (int round = 0; round < rounds; ++round) {
        script.advanceMs(random.bounded(200, 4000));
        switch (random.bounded(9)) {
        case 0: {
            // A command that fails, an edit in vim, then the same command again.
            const std::string command = commands[random.bounded(static_cast<int>(std::size(commands)))];
            const std::string first = "c" + std::to_string(nextCommand++);
            script.append(commandStart(first, command, "shell-A"));
            script.advanceMs(300);
            script.append(commandFinish(first, command == "gti status" ? 127 : 1, "FAILED test_total\n", 300'000'000));
            script.advanceMs(2000);
            script.appSwitch(QStringLiteral("Gvim"), QStringLiteral("report.py (~/src/stock) - GVIM"));
            script.titleChange(QStringLiteral("+ report.py (~/src/stock) - GVIM"));
            script.append(fileEdit({}, "src/report.py", diffOf("src/report.py", 10 + round)));
            script.advanceMs(1500);
            script.appSwitch(QStringLiteral("XTerm"), QStringLiteral("ada@box: ~/src/stock"));
            const std::string again = "c" + std::to_string(nextCommand++);
            script.append(commandStart(again, command == "gti status" ? "git status" : command, "shell-A"));
            script.advanceMs(400);
            script.append(commandFinish(again, random.bounded(4) == 0 ? 1 : 0, "1 passed\n", 400'000'000));
            break;
        }
        case 1: {
            // A command that rewrites files as it runs; one of its edits comes in after
            // it finished (the watcher is slower than the shell).
            const std::string id = "c" + std::to_string(nextCommand++);
            script.append(commandStart(id, "sed -i 's/total/round(total, 2)/' src/report.py", "shell-B"));
            script.append(fileEdit(id, "src/report.py", diffOf("src/report.py", 40)));
            script.advanceMs(50);
            script.append(commandFinish(id, 0, "", 50'000'000));
            script.advanceMs(20);
            script.append(fileEdit(id, "src/total.py", diffOf("src/total.py", 7)));
            break;
        }
        case 2:
            script.note(QStringLiteral("the rounding happens twice: once in total(), once in the report"));
            break;
        case 3: {
            // A click the app answers with an error dialog, then the click again.
            script.appSwitch(QStringLiteral("Gnome-calculator"), QStringLiteral("Calculator"));
            script.append(guiClick(520, 155, "="));
            script.advanceMs(300);
            script.append(guiAlert("Division by zero"));
            script.screenshot(QByteArray(32, static_cast<char>(0x20 + round % 50)));
            script.advanceMs(1200);
            script.append(guiClick(520, 155, "="));
            break;
        }
        case 4:
            script.appSwitch(QStringLiteral("firefox"), QStringLiteral("decimal — Python docs — Mozilla Firefox"));
            script.titleChange(QStringLiteral("round() — Python docs — Mozilla Firefox"));
            script.screenshot(QByteArray(32, static_cast<char>(0x60 + round % 50)));
            break;
        case 5: {
            // A finish whose start was lost.
            v1::Event finished = commandFinish("lost" + std::to_string(round), 0, "done\n", 900'000'000);
            script.append(finished);
            break;
        }
        case 6:
            script.append(fileEdit({}, "README.md", diffOf("README.md", 3)));
            break;
        case 7:
            script.startCommand(QByteArrayLiteral("less report.log"), QStringLiteral("shell-C"));
            break;
        default:
            script.command(QByteArray("ls -la src/ # ") + QByteArray::number(round), 0, "report.py\n");
            break;
        }
    }
    script.advanceMs(1000);
    script.append(commandFinish("server", 130, "^C\n", script.nowNs() - 1'767'225'600'000'000'000));
    script.note(QStringLiteral("fixed: rounding only in the report now"), v1::Note::KIND_PLAN);
    script.note(QStringLiteral("the server log is clean"));
    QVERIFY(script.flush());
}

// Reviewers rate, label, explain, correct and redact steps of the session.
void annotate(store::Store& store, const QString& sessionId)
{
    QString error;
    const auto whole = chains::TrajectoryBuilder::load(store, sessionId, {}, {}, &error);
    QVERIFY2(whole, qPrintable(error));
    int annotated = 0;
    for (const chains::Step& step : whole->steps) {
        if (step.eventIds.empty() || step.index % 7 != 3)
            continue;
        v1::Annotation annotation;
        annotation.set_session_id(sessionId.toStdString());
        annotation.set_target_id(step.eventIds.front());
        annotation.set_reviewer(annotated % 2 == 0 ? "grace" : "linus");
        annotation.set_rating(annotated % 3 - 1);
        annotation.set_has_rating(true);
        annotation.add_labels("good-recovery");
        if (annotated % 2 == 0)
            annotation.set_rationale("checks the fix before moving on");
        // Calling a passing step an error makes the next similar command its retry.
        if (step.isAction() && annotated % 4 == 1)
            annotation.set_corrected_outcome(step.outcome == chains::StepOutcome::Error ? "ok" : "error");
        QVERIFY2(chains::review::addAnnotation(store, annotation, &error), qPrintable(error));
        ++annotated;
    }
    // A redaction of a command's output, spanning its finish event.
    for (const chains::Step& step : whole->steps) {
        if (step.family->name() != "shell" || step.eventIds.size() != 2 ||
            !step.observationText().contains(QLatin1String("FAILED")))
            continue;
        chains::review::RedactionSpan span;
        span.eventId = QString::fromStdString(step.eventIds.back());
        span.field = QStringLiteral("output_head");
        span.offset = 0;
        span.length = 6;
        QVERIFY2(chains::review::addRedaction(store, sessionId, QStringLiteral("grace"), span, nullptr, &error),
                 qPrintable(error));
        break;
    }
    v1::Annotation verdict;
    verdict.set_session_id(sessionId.toStdString());
    verdict.set_target_id(sessionId.toStdString());
    verdict.set_reviewer("grace");
    verdict.set_verdict(v1::Annotation::VERDICT_ACCEPTED);
    QVERIFY2(chains::review::addAnnotation(store, verdict, &error), qPrintable(error));
}

} // namespace trailmark::test
