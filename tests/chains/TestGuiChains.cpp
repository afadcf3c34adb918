// The GUI family below capture: stored GuiAction and GuiAlert events become computer
// steps; each action reads the same in the three action spaces it is exported in; an
// action a failure dialog answers is an error, the same action again its retry; a
// withheld text has no call; a mixed session's exports pass the consumers' checks.
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/families/PresentingFacet.h"
#include "chains/families/gui/GuiDialects.h"
#include "chains/families/gui/GuiStep.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

namespace {

v1::GuiAction action(v1::GuiAction::Kind kind, int x, int y)
{
    v1::GuiAction body;
    body.set_kind(kind);
    body.set_x(x);
    body.set_y(y);
    body.set_screen_width(1000);
    body.set_screen_height(500);
    body.set_norm_x(x / 1000.0);
    body.set_norm_y(y / 500.0);
    body.set_app_class("gedit");
    body.set_window_title("notes.txt - gedit");
    body.set_pid(4242);
    return body;
}

v1::GuiAction withElement(v1::GuiAction body, const char* role, const char* name, const char* path)
{
    body.set_element_status(v1::GuiAction::ELEMENT_STATUS_FOUND);
    body.set_element_role(role);
    body.set_element_name(name);
    body.set_element_path(path);
    body.set_element_x(body.x() - 20);
    body.set_element_y(body.y() - 10);
    body.set_element_width(40);
    body.set_element_height(20);
    body.set_keyframe_sha256(std::string(32, '\x5a'));
    return body;
}

v1::Event actionEvent(const v1::GuiAction& body)
{
    v1::Event event;
    *event.mutable_gui_action() = body;
    return event;
}

v1::Event alertEvent(const char* title, const char* text)
{
    v1::Event event;
    auto* body = event.mutable_gui_alert();
    body->set_role("alert");
    body->set_title(title);
    body->set_text(text);
    body->set_app("gedit");
    body->set_pid(4242);
    return event;
}

} // namespace

class TestGuiChains final : public QObject
{
    Q_OBJECT

private:
    test::TempDatabase m_database;
    std::unique_ptr<store::Store> m_store;

    std::optional<Trajectory> load(const QString& sessionId)
    {
        QString error;
        auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
        if (!trajectory)
            qWarning("%s", qPrintable(error));
        return trajectory;
    }

private Q_SLOTS:
    void init()
    {
        m_store.reset();
        m_store = m_database.open();
        QVERIFY(m_store);
    }

    void actionSpaces_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("extra");
        QTest::addColumn<QString>("anthropic");
        QTest::addColumn<QString>("pyautogui");
        QTest::addColumn<QString>("openai");

        const auto row = [](const char* name, v1::GuiAction::Kind kind, const char* extra, const char* anthropic,
                            const char* pyautogui, const char* openai) {
            QTest::newRow(name) << int(kind) << QString::fromUtf8(extra) << QString::fromUtf8(anthropic)
                                << QString::fromUtf8(pyautogui) << QString::fromUtf8(openai);
        };
        row("click", v1::GuiAction::KIND_CLICK, "", R"({"action":"left_click","coordinate":[520,155]})",
            "pyautogui.click(x=0.5200, y=0.3100)", R"([{"type":"click","button":"left","x":520,"y":155}])");
        row("double click", v1::GuiAction::KIND_DOUBLE_CLICK, "", R"({"action":"double_click","coordinate":[520,155]})",
            "pyautogui.doubleClick(x=0.5200, y=0.3100)", R"([{"type":"double_click","x":520,"y":155}])");
        row("triple click", v1::GuiAction::KIND_TRIPLE_CLICK, "", R"({"action":"triple_click","coordinate":[520,155]})",
            "pyautogui.tripleClick(x=0.5200, y=0.3100)",
            R"([{"type":"double_click","x":520,"y":155},{"type":"click","button":"left","x":520,"y":155}])");
        row("right click", v1::GuiAction::KIND_RIGHT_CLICK, "", R"({"action":"right_click","coordinate":[520,155]})",
            "pyautogui.rightClick(x=0.5200, y=0.3100)", R"([{"type":"click","button":"right","x":520,"y":155}])");
        row("middle click", v1::GuiAction::KIND_MIDDLE_CLICK, "", R"({"action":"middle_click","coordinate":[520,155]})",
            "pyautogui.middleClick(x=0.5200, y=0.3100)", R"([{"type":"click","button":"wheel","x":520,"y":155}])");
        row("drag", v1::GuiAction::KIND_DRAG, "end 900,400",
            R"({"action":"left_click_drag","start_coordinate":[520,155],"coordinate":[900,400]})",
            "pyautogui.moveTo(x=0.5200, y=0.3100)\npyautogui.dragTo(x=0.9000, y=0.8000, button='left')",
            R"([{"type":"drag","path":[{"x":520,"y":155},{"x":900,"y":400}]}])");
        row("scroll down", v1::GuiAction::KIND_SCROLL, "scroll down 3",
            R"({"action":"scroll","coordinate":[520,155],"scroll_direction":"down","scroll_amount":3})",
            "pyautogui.scroll(-3, x=0.5200, y=0.3100)",
            R"([{"type":"scroll","x":520,"y":155,"scroll_x":0,"scroll_y":300}])");
        row("scroll left", v1::GuiAction::KIND_SCROLL, "scroll left 2",
            R"({"action":"scroll","coordinate":[520,155],"scroll_direction":"left","scroll_amount":2})",
            "pyautogui.hscroll(-2, x=0.5200, y=0.3100)",
            R"([{"type":"scroll","x":520,"y":155,"scroll_x":-200,"scroll_y":0}])");
        row("type with quotes and a newline", v1::GuiAction::KIND_TYPE, "text it's \"done\"\n",
            // (Plain literals: moc reads a quote inside a raw string as a character literal.)
            "{\"action\":\"type\",\"text\":\"it's \\\"done\\\"\\n\"}", "pyautogui.write(message='it\\'s \"done\"\\n')",
            "[{\"type\":\"type\",\"text\":\"it's \\\"done\\\"\\n\"}]");
        row("withheld text", v1::GuiAction::KIND_TYPE, "withheld", R"({"action":"type","text":""})", "", "[]");
        row("key", v1::GuiAction::KIND_KEY, "keys Return", R"({"action":"key","text":"Return"})",
            "pyautogui.press('enter')", R"([{"type":"keypress","keys":["ENTER"]}])");
        row("hotkey", v1::GuiAction::KIND_HOTKEY, "keys ctrl+shift+t", R"({"action":"key","text":"ctrl+shift+t"})",
            "pyautogui.hotkey('ctrl', 'shift', 't')", R"([{"type":"keypress","keys":["CTRL","SHIFT","T"]}])");
        // A kind from a newer recorder: named and pointed at, never replayed.
        row("unknown kind", v1::GuiAction::KIND_UNSPECIFIED, "", R"({"action":"unknown","coordinate":[520,155]})", "",
            "[]");
    }
    void actionSpaces()
    {
        QFETCH(int, kind);
        QFETCH(QString, extra);
        QFETCH(QString, anthropic);
        QFETCH(QString, pyautogui);
        QFETCH(QString, openai);
        v1::GuiAction body = action(static_cast<v1::GuiAction::Kind>(kind), 520, 155);
        const QStringList words = extra.split(QLatin1Char(' '));
        if (words.first() == QLatin1String("end")) {
            const QStringList xy = words.at(1).split(QLatin1Char(','));
            body.set_end_x(xy.at(0).toInt());
            body.set_end_y(xy.at(1).toInt());
            body.set_norm_end_x(xy.at(0).toInt() / 1000.0);
            body.set_norm_end_y(xy.at(1).toInt() / 500.0);
        } else if (words.first() == QLatin1String("scroll")) {
            body.set_scroll_direction(words.at(1).toStdString());
            body.set_scroll_amount(words.at(2).toUInt());
        } else if (words.first() == QLatin1String("text")) {
            body.set_text(extra.mid(5).toStdString());
        } else if (words.first() == QLatin1String("withheld")) {
            body.set_text_withheld(true);
            body.set_typed_chars(8);
            body.set_withheld_reason("typed 8 characters into a password field");
        } else if (words.first() == QLatin1String("keys")) {
            body.set_keys(words.at(1).toStdString());
        }
        QCOMPARE(QString::fromStdString(guiActionAsAnthropic(body)), anthropic);
        QCOMPARE(QString::fromStdString(guiActionAsPyAutoGui(body)), pyautogui);
        QCOMPARE(QString::fromStdString(guiActionAsOpenAi(body)), openai);
    }

    void dialogMakesAnErrorAndTheSameClickRetries()
    {
        const QString sessionId = test::createSession(*m_store, QStringLiteral("save the notes"));
        test::SessionScript script(*m_store, sessionId);
        script.appSwitch(QStringLiteral("gedit"), QStringLiteral("notes.txt - gedit"));
        script.advanceMs(500);
        const auto save = withElement(action(v1::GuiAction::KIND_CLICK, 300, 40), "push button", "Save",
                                      "frame 'gedit' > push button 'Save'");
        script.append(actionEvent(save));
        script.advanceMs(400);
        script.append(alertEvent("Error", "Could not save the file: permission denied."));
        script.advanceMs(1500);
        script.append(actionEvent(withElement(action(v1::GuiAction::KIND_CLICK, 500, 300), "push button", "OK",
                                              "alert 'Error' > push button 'OK'")));
        script.advanceMs(2000);
        // An informative dialog is no failure.
        script.append(actionEvent(withElement(action(v1::GuiAction::KIND_CLICK, 310, 42), "push button", "Save",
                                              "frame 'gedit' > push button 'Save'")));
        script.advanceMs(300);
        script.append(alertEvent("Saved", "The file was saved."));
        script.advanceMs(10'000);
        // Much later, far from any action: not this action's answer.
        script.append(alertEvent("Update available", "A new version failed to download."));
        QVERIFY(script.flush());

        const auto trajectory = load(sessionId);
        QVERIFY(trajectory);
        std::vector<const Step*> gui;
        for (const Step& step : trajectory->steps) {
            if (step.as<GuiStep>())
                gui.push_back(&step);
        }
        QCOMPARE(gui.size(), size_t(3));
        QCOMPARE(toString(gui[0]->outcome), toString(StepOutcome::Error));
        QCOMPARE(gui[0]->errorReasons,
                 QStringList{QStringLiteral("dialog: alert 'Error': Could not save the file: permission denied.")});
        QVERIFY(gui[0]->observationText().contains(QLatin1String("Then a dialog: alert 'Error'")));
        QCOMPARE(gui[0]->retriedBy, gui[2]->index);
        QCOMPARE(toString(gui[1]->outcome), toString(StepOutcome::Ok));
        QCOMPARE(gui[1]->retryOf, -1);
        QCOMPARE(toString(gui[2]->outcome), toString(StepOutcome::Ok));
        QCOMPARE(gui[2]->retryOf, gui[0]->index);
        QCOMPARE(gui[2]->attempt, 2);
        QCOMPARE(gui[2]->recovers, gui[0]->index);
        QVERIFY(gui[2]->observationText().contains(QLatin1String("alert 'Saved'")));
        QVERIFY(!gui[2]->observationText().contains(QLatin1String("Update available")));
        QCOMPARE(trajectory->errorCount(), 1);
        QCOMPARE(trajectory->recoveryCount(), 1);
        // The keyframe is the step's picture, with the point and the box to draw over it.
        QCOMPARE(gui[0]->screenshots.value(0), QString(QStringLiteral("5a")).repeated(32));
        const auto marks = families::presenting(*gui[0]).screenMarks(*gui[0]);
        QVERIFY(marks);
        QCOMPARE(marks->point, QPoint(300, 40));
        QCOMPARE(marks->elementBox, QRect(280, 30, 40, 20));
        QCOMPARE(marks->label, QStringLiteral("push button 'Save'"));
    }

    void withheldTextHasNoCallAndTheComputerToolOnlyWhereUsed()
    {
        const QString guiSession = test::createSession(*m_store, QStringLiteral("log in"));
        {
            test::SessionScript script(*m_store, guiSession);
            script.append(actionEvent(withElement(action(v1::GuiAction::KIND_CLICK, 500, 200), "password text",
                                                  "Password", "frame 'Login' > password text 'Password'")));
            script.advanceMs(800);
            v1::GuiAction typed = withElement(action(v1::GuiAction::KIND_TYPE, 500, 200), "password text", "Password",
                                              "frame 'Login' > password text 'Password'");
            typed.set_text_withheld(true);
            typed.set_typed_chars(9);
            typed.set_withheld_reason("typed 9 characters into a password field");
            script.append(actionEvent(typed));
            script.advanceMs(800);
            v1::GuiAction enter = action(v1::GuiAction::KIND_KEY, 500, 200);
            enter.set_keys("Return");
            enter.set_keyframe_sha256(std::string(32, '\x5b'));
            script.append(actionEvent(enter));
            QVERIFY(script.flush());
        }
        const QString shellSession = test::createSession(*m_store, QStringLiteral("list files"));
        {
            test::SessionScript script(*m_store, shellSession);
            script.command("ls -la", 0, "total 0\n");
            QVERIFY(script.flush());
        }
        // Blobs for the keyframes, so the exports can copy their images.
        QString error;
        QVERIFY(
            m_store->putBlob(QByteArray::fromHex(QByteArray("89504e470d0a1a0a")), QStringLiteral("image/png"), &error));
        const QString out = m_database.directory() + QStringLiteral("/export");
        QProcess exporter;
        exporter.start(QStringLiteral(TRAILMARK_BINARY),
                       {QStringLiteral("--db"), m_database.path(), QStringLiteral("export"), QStringLiteral("--format"),
                        QStringLiteral("openai,sharegpt"), QStringLiteral("--out"), out});
        QVERIFY(exporter.waitForFinished(60000));
        QCOMPARE(exporter.exitCode(), 0);
        QFile openai(out + QStringLiteral("/openai/train.jsonl"));
        QVERIFY(openai.open(QIODevice::ReadOnly));
        QMap<QString, QJsonObject> rows;
        while (!openai.atEnd()) {
            const QJsonObject row = QJsonDocument::fromJson(openai.readLine()).object();
            rows.insert(row.value(QStringLiteral("messages"))
                            .toArray()
                            .at(1)
                            .toObject()
                            .value(QStringLiteral("content"))
                            .toString(),
                        row);
        }
        const auto toolNames = [](const QJsonObject& row) {
            QStringList names;
            for (const QJsonValue& tool : row.value(QStringLiteral("tools")).toArray())
                names << tool.toObject()
                             .value(QStringLiteral("function"))
                             .toObject()
                             .value(QStringLiteral("name"))
                             .toString();
            return names;
        };
        QVERIFY(toolNames(rows.value(QStringLiteral("log in"))).contains(QLatin1String("computer")));
        QVERIFY(!toolNames(rows.value(QStringLiteral("list files"))).contains(QLatin1String("computer")));
        // The click and the Return are calls; the withheld password is none.
        QStringList calls;
        for (const QJsonValue& message :
             rows.value(QStringLiteral("log in")).value(QStringLiteral("messages")).toArray()) {
            for (const QJsonValue& call : message.toObject().value(QStringLiteral("tool_calls")).toArray())
                calls << call.toObject()
                             .value(QStringLiteral("function"))
                             .toObject()
                             .value(QStringLiteral("arguments"))
                             .toString();
        }
        QCOMPARE(calls, (QStringList{QStringLiteral(R"({"action":"left_click","coordinate":[500,200]})"),
                                     QStringLiteral(R"({"action":"key","text":"Return"})")}));
    }
};

QTEST_GUILESS_MAIN(TestGuiChains)
#include "TestGuiChains.moc"
