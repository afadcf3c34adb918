// Outlined sessions against whole ones: a session outlined (TrajectoryBuilder with
// Keep::Outline) and its steps derived again a page at a time (materializeSteps) must
// be exactly the steps the whole derivation makes, field by field, for sessions of
// every family: commands whose files arrive after they finished, a server that runs all
// along, app switches with titles, GUI actions answered by dialogs and retried,
// screenshots before the first step, notes that become thoughts and a closing note,
// reviewers' ratings, rationales, outcome corrections and redactions.

#include "FidelityFixture.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "chains/StepMaterializer.h"
#include "chains/StepOutline.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/TrajectoryJson.h"
#include "chains/export/Exporter.h"
#include "chains/families/PresentingFacet.h"
#include "store/Store.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

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
        if (step.tool() != "shell" || step.eventIds.size() != 2 ||
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

// The session as the Review tab outlines it.
chains::TrajectoryOutline outlineSession(store::Store& store, const QString& sessionId)
{
    QString error;
    auto session = store.session(sessionId, &error);
    const auto annotations = store.annotations(sessionId, &error);
    if (!session || !annotations) {
        qWarning("cannot read session %s: %s", qPrintable(sessionId), qPrintable(error));
        return {};
    }
    chains::TrajectoryBuilder builder(*session, *annotations, {}, chains::TrajectoryBuilder::Keep::Outline);
    if (!store.readEvents(
            sessionId, 0, -1,
            [&builder](const store::StoredEvent& stored) {
                builder.add(stored);
                return true;
            },
            &error))
        qWarning("cannot read events of %s: %s", qPrintable(sessionId), qPrintable(error));
    return builder.finishOutline();
}

QByteArray json(const chains::Step& step)
{
    QJsonObject object = chains::stepToJson(step);
    QStringList effects;
    if (step.effectsFamily)
        effects = chains::families::presenting(*step.effectsFamily).effectLines(step);
    object.insert(QStringLiteral("effects"), QJsonArray::fromStringList(effects));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestStepOutline final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void outlinedStepsAreTheWholeSteps_data();
    void outlinedStepsAreTheWholeSteps();
    void fidelitySessionsOutlineAlike();
    void outlinedExportIsTheWholeExport();
    void stepsOutOfRangeAreRefused();
    void aChangedFileIsNamed();

private:
    // Outlines the session, derives its steps again page by page, and compares every
    // step with the whole derivation.
    void compareWithWhole(const QString& sessionId);

    QTemporaryDir m_directory;
    std::unique_ptr<store::Store> m_store;
};

void TestStepOutline::init()
{
    // For a look at the databases by hand: TRAILMARK_TEST_KEEP=1 keeps them.
    if (qEnvironmentVariableIsSet("TRAILMARK_TEST_KEEP")) {
        m_directory.setAutoRemove(false);
        qInfo("databases kept in %s", qPrintable(m_directory.path()));
    }
    QString error;
    m_store = store::Store::open(
        m_directory.filePath(QStringLiteral("outline-%1.db").arg(QLatin1String(QTest::currentTestFunction()))),
        store::Store::Access::ReadWrite, &error);
    QVERIFY2(m_store, qPrintable(error));
}

void TestStepOutline::compareWithWhole(const QString& sessionId)
{
    QString error;
    const auto whole = chains::TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY2(whole, qPrintable(error));

    const chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);

    QCOMPARE(outline.steps.size(), whole->steps.size());
    QCOMPARE(outline.closingNotes, whole->closingNotes);
    QCOMPARE(outline.unreadable.size(), whole->unreadable.size());
    QStringList wholeLanes;
    for (const chains::Step& step : whole->steps) {
        const chains::StepOutline& known = outline.steps[static_cast<size_t>(step.index)];
        const chains::StepOutline expected = chains::outlineOf(step);
        QCOMPARE(known.index, expected.index);
        QCOMPARE(known.family, expected.family);
        QCOMPARE(known.firstSeq, expected.firstSeq);
        QCOMPARE(known.startNs, expected.startNs);
        QCOMPARE(known.endNs, expected.endNs);
        QCOMPARE(known.durationNs, expected.durationNs);
        QCOMPARE(static_cast<int>(known.outcome), static_cast<int>(expected.outcome));
        QCOMPARE(known.derivedOutcome.has_value(), expected.derivedOutcome.has_value());
        QCOMPARE(known.attempt, expected.attempt);
        QCOMPARE(known.retryOf, expected.retryOf);
        QCOMPARE(known.retriedBy, expected.retriedBy);
        QCOMPARE(known.recovers, expected.recovers);
        QCOMPARE(known.changesFiles, expected.changesFiles);
        QCOMPARE(known.isAction, expected.isAction);
        QCOMPARE(known.hasThought, expected.hasThought);
        const chains::TimelineLane lane = chains::families::presenting(step).lane(step);
        if (!wholeLanes.contains(lane.key))
            wholeLanes.append(lane.key);
        QCOMPARE(outline.laneKeys.at(known.lane), lane.key);
    }
    // Lanes in the order steps first use them, as the timeline has always shown them.
    QCOMPARE(outline.laneKeys, wholeLanes);

    // Pages of several sizes, from anywhere: each step alike in every field.
    const int total = static_cast<int>(whole->steps.size());
    for (const int pageSize : {1, 7, 64, total}) {
        for (int first = 0; first < total; first += pageSize) {
            const int count = std::min(pageSize, total - first);
            const auto steps = chains::materializeSteps(*m_store, outline, first, count, &error);
            QVERIFY2(steps, qPrintable(error));
            QCOMPARE(static_cast<int>(steps->size()), count);
            for (int i = 0; i < count; ++i) {
                const chains::Step& again = (*steps)[static_cast<size_t>(i)];
                const chains::Step& expected = whole->steps[static_cast<size_t>(first + i)];
                QCOMPARE(json(again), json(expected));
                QCOMPARE(again.fixSteps, expected.fixSteps);
                QCOMPARE(again.annotations.size(), expected.annotations.size());
            }
            if (pageSize == 1 && first > 40)
                first += 13; // single steps: a sample is enough
        }
    }
}

void TestStepOutline::outlinedStepsAreTheWholeSteps_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("rounds");
    QTest::addColumn<bool>("reviewed");
    QTest::newRow("short, unreviewed") << 7u << 12 << false;
    QTest::newRow("long, unreviewed") << 11u << 400 << false;
    QTest::newRow("long, reviewed") << 23u << 400 << true;
    QTest::newRow("another order, reviewed") << 1234u << 250 << true;
}

void TestStepOutline::outlinedStepsAreTheWholeSteps()
{
    QFETCH(quint32, seed);
    QFETCH(int, rounds);
    QFETCH(bool, reviewed);
    const QString sessionId = test::createSession(*m_store, QStringLiteral("round the report's totals"));
    writeMixedSession(*m_store, sessionId, seed, rounds);
    if (QTest::currentTestFailed())
        return;
    if (reviewed)
        annotate(*m_store, sessionId);
    if (QTest::currentTestFailed())
        return;
    // The session must hold what the comparison is about.
    QString error;
    const auto whole = chains::TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    QVERIFY(whole);
    if (rounds >= 250) {
        QVERIFY(whole->retryCount() > 5);
        QVERIFY(whole->recoveryCount() > 2);
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return !step.fixSteps.empty(); }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.effects != nullptr; }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.thoughtSource == QLatin1String("note"); }));
        QVERIFY(!whole->closingNotes.isEmpty());
        QVERIFY(whole->steps.front().screenshots.size() >= 2);
    }
    if (reviewed) {
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.derivedOutcome.has_value(); }));
        QVERIFY(std::any_of(whole->steps.begin(), whole->steps.end(),
                            [](const chains::Step& step) { return step.thoughtSource == QLatin1String("reviewer"); }));
    }
    compareWithWhole(sessionId);
}

void TestStepOutline::fidelitySessionsOutlineAlike()
{
    const QDir fixtures(QStringLiteral(TRAILMARK_FIXTURES "/fidelity"));
    const QStringList files = fixtures.entryList({QStringLiteral("*.session")}, QDir::Files, QDir::Name);
    QVERIFY(files.size() >= 3);
    for (const QString& file : files) {
        test::LabelledSession session;
        QString error;
        QVERIFY2(test::writeLabelledSession(*m_store, fixtures.filePath(file), &session, &error), qPrintable(error));
        compareWithWhole(session.sessionId);
        if (QTest::currentTestFailed())
            QFAIL(qPrintable(file));
    }
    const test::MessySession messy = test::createMessySession(*m_store);
    compareWithWhole(messy.sessionId);
}

void TestStepOutline::outlinedExportIsTheWholeExport()
{
    // Sessions long enough to be exported from their outline give the very files a
    // whole derivation gives, in every format. The last one spans several of the pages a
    // writer's steps are derived again in (512 steps): ShareGPT holds an action across
    // pages until the next action is known.
    for (const auto& [seed, rounds] : {std::pair{31u, 300}, std::pair{47u, 300}, std::pair{59u, 1400}}) {
        const QString sessionId = test::createSession(*m_store, QStringLiteral("round the report's totals"));
        writeMixedSession(*m_store, sessionId, seed, rounds);
        annotate(*m_store, sessionId);
        if (rounds > 1000)
            QVERIFY(outlineSession(*m_store, sessionId).steps.size() > 3 * 512);
    }
    test::createMessySession(*m_store);
    QVERIFY(!QTest::currentTestFailed());
    const auto exportWith = [this](const QByteArray& outlineAbove, const QString& name) {
        qputenv("TRAILMARK_EXPORT_OUTLINE_ABOVE", outlineAbove);
        chains::ExportOptions options;
        options.formats = chains::knownFormats();
        options.outDir = m_directory.filePath(name);
        QString error;
        const auto stats = chains::Exporter::run(*m_store, options, &error);
        qunsetenv("TRAILMARK_EXPORT_OUTLINE_ABOVE");
        if (!stats)
            qWarning("export failed: %s", qPrintable(error));
        return stats ? test::filesUnder(options.outDir) : QMap<QString, QByteArray>();
    };
    const QMap<QString, QByteArray> whole = exportWith("100000000", QStringLiteral("whole"));
    const QMap<QString, QByteArray> outlined = exportWith("0", QStringLiteral("outlined"));
    QVERIFY(whole.size() > 10);
    QCOMPARE(outlined.keys(), whole.keys());
    for (auto it = whole.cbegin(); it != whole.cend(); ++it)
        QVERIFY2(outlined.value(it.key()) == it.value(), qPrintable(it.key()));
}

void TestStepOutline::stepsOutOfRangeAreRefused()
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("short"));
    writeMixedSession(*m_store, sessionId, 3, 5);
    QString error;
    const chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);
    const int total = static_cast<int>(outline.steps.size());
    QVERIFY(!chains::materializeSteps(*m_store, outline, total - 1, 2, &error));
    QVERIFY2(error.contains(QString::number(total)), qPrintable(error));
    QVERIFY(!chains::materializeSteps(*m_store, outline, -1, 1, &error));
    QVERIFY(chains::materializeSteps(*m_store, outline, total, 0, &error));
}

void TestStepOutline::aChangedFileIsNamed()
{
    // The file under an open session loses its events (another program deleted the
    // session and wrote a new one): deriving a step again says so, and which.
    const QString sessionId = test::createSession(*m_store, QStringLiteral("short"));
    writeMixedSession(*m_store, sessionId, 5, 20);
    QString error;
    chains::TrajectoryOutline outline = outlineSession(*m_store, sessionId);
    QVERIFY(outline.steps.size() > 3);
    // A seq the session does not have.
    outline.eventSeqs[outline.eventOffsets[2]] = 1'000'000;
    QVERIFY(!chains::materializeSteps(*m_store, outline, 0, 4, &error));
    QVERIFY2(error.contains(QLatin1String("1000000")) && error.contains(sessionId), qPrintable(error));
    // Steps before it still come.
    QVERIFY2(chains::materializeSteps(*m_store, outline, 0, 2, &error), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestStepOutline)
#include "TestStepOutline.moc"
