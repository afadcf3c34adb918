// GUI actions end to end, as an expert records them: `trailmark record --gui-actions`
// in its own process on a real X server (Xvfb + openbox) with a real D-Bus session and
// AT-SPI registry (the test runs under dbus-run-session), a real Qt 6 form and a real
// GTK 3 form driven by xdotool. Then the export is replayed into a fresh form and must
// leave it as the recording did.
#include "GuiActionsFixture.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;
using namespace trailmark::test;

class TestGuiActions final : public GuiActionsFixture
{
    Q_OBJECT

private Q_SLOTS:
    void qtFormIsRecordedAndReplayed()
    {
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        QJsonObject recordedState;
        QPoint recordedName;
        {
            FormApp form;
            // Started after the recorder: accessibility is on by then, so Qt registers.
            QVERIFY(form.start(qtFormPath(), {}));
            recordedName = form.point(QStringLiteral("name"));
            QVERIFY(click(form.point(QStringLiteral("name"))));
            beat();
            QVERIFY(type(QStringLiteral("Ada")));
            beat();
            QVERIFY(click(form.point(QStringLiteral("password"))));
            beat();
            QVERIFY(type(QString::fromLatin1(kQtPassword)));
            beat();
            QVERIFY(xdotool({QStringLiteral("key"), QStringLiteral("ctrl+s")}));
            QVERIFY(form.waitFor(QStringLiteral("saved")));
            beat();
            // Drag the slider's handle three quarters along.
            const QPoint handle = form.point(QStringLiteral("slider_handle"));
            const QPoint target = form.point(QStringLiteral("slider_target"));
            QVERIFY(replay(QJsonObject{{QStringLiteral("action"), QStringLiteral("left_click_drag")},
                                       {QStringLiteral("start_coordinate"), QJsonArray{handle.x(), handle.y()}},
                                       {QStringLiteral("coordinate"), QJsonArray{target.x(), target.y()}}},
                           {}));
            QVERIFY(xdotool({QStringLiteral("mousemove"), QString::number(form.point(QStringLiteral("items")).x()),
                             QString::number(form.point(QStringLiteral("items")).y())}));
            QVERIFY(xdotool({QStringLiteral("click"), QStringLiteral("--repeat"), QStringLiteral("3"),
                             QStringLiteral("--delay"), QStringLiteral("80"), QStringLiteral("5")}));
            beat();
            QVERIFY(click(form.point(QStringLiteral("save"))));
            const auto saved = form.waitFor(QStringLiteral("saved"));
            QVERIFY(saved);
            recordedState = *saved;
            beat();
        }
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        QCOMPARE(recordedState.value(QStringLiteral("name")).toString(), QStringLiteral("Ada"));
        QCOMPARE(recordedState.value(QStringLiteral("password_length")).toInt(), kQtPassword.size());
        QVERIFY(recordedState.value(QStringLiteral("volume")).toInt() > 30);
        QVERIFY(recordedState.value(QStringLiteral("scroll")).toInt() > 0);

        const auto actions = actionsOf(sessionId);
        const QStringList expected{
            QStringLiteral("click text 'Name'"),
            QStringLiteral("type 'Ada' text 'Name'"),
            QStringLiteral("click password text 'Password'"),
            QStringLiteral("type [typed 10 characters into a password field] password text 'Password'"),
            QStringLiteral("hotkey ctrl+s password text 'Password'"),
            QStringLiteral("drag slider 'Volume'"),
            QStringLiteral("scroll down×3 list 'Items'"),
            QStringLiteral("click push button 'Save'"),
        };
        QCOMPARE(described(actions), expected);
        for (const auto& action : actions) {
            QCOMPARE(QString::fromStdString(action.app_class()), QStringLiteral("trailmark_qt_form"));
            QCOMPARE(QString::fromStdString(action.window_title()), QStringLiteral("Trailmark Qt Form"));
            QVERIFY(action.pid() > 0);
            QCOMPARE(action.element_pid(), action.pid());
            QVERIFY(
                QString::fromStdString(action.element_path()).startsWith(QLatin1String("filler 'Trailmark Qt Form'")));
        }
        // The click landed inside the element AT-SPI named, at the recorded point.
        const v1::GuiAction& first = actions.front();
        QCOMPARE(QPoint(first.x(), first.y()), recordedName);
        QVERIFY(QRect(first.element_x(), first.element_y(), first.element_width(), first.element_height())
                    .contains(first.x(), first.y()));
        QVERIFY(std::abs(first.norm_x() - double(first.x()) / first.screen_width()) < 1e-9);
        verifyKeyframes(actions);

        // The password is nowhere: not in the database file, its WAL, nor any export.
        const QString exportDir = m_database->directory() + QStringLiteral("/export");
        QVERIFY(exportAll(exportDir));
        QVERIFY(!everythingUnder(m_database->directory()).contains(kQtPassword));
        validateExport(exportDir, sessionId);

        // Replay the exported computer calls into a fresh form: it ends the same (but for
        // the password, which was never recorded).
        QList<QJsonObject> calls;
        for (const QJsonObject& row : exportedRows(exportDir)) {
            if (row.value(QStringLiteral("tool")).toString() != QLatin1String("computer"))
                continue;
            QVERIFY(
                row.value(QStringLiteral("pyautogui")).toString().startsWith(QLatin1String("pyautogui.")) ||
                row.value(QStringLiteral("gui_action")).toObject().value(QStringLiteral("withheld_reason")).isString());
            QVERIFY(!row.value(QStringLiteral("images")).toArray().isEmpty());
            calls << QJsonDocument::fromJson(row.value(QStringLiteral("arguments")).toString().toUtf8()).object();
        }
        QCOMPARE(calls.size(), expected.size());
        FormApp fresh;
        QVERIFY(fresh.start(qtFormPath(), {}));
        const QPoint offset = fresh.point(QStringLiteral("name")) - recordedName;
        std::optional<QJsonObject> replayedState;
        for (const QJsonObject& call : std::as_const(calls)) {
            if (call.value(QStringLiteral("action")).toString() == QLatin1String("type") &&
                call.value(QStringLiteral("text")).toString().isEmpty())
                continue; // withheld: nothing to type
            QVERIFY2(replay(call, offset), QJsonDocument(call).toJson().constData());
        }
        fresh.waitFor(QStringLiteral("saved")); // the Ctrl+S one
        replayedState = fresh.waitFor(QStringLiteral("saved"));
        QVERIFY(replayedState);
        for (const char* key : {"name", "volume", "scroll", "saves"})
            QCOMPARE(replayedState->value(QLatin1String(key)), recordedState.value(QLatin1String(key)));
        QCOMPARE(replayedState->value(QStringLiteral("password_length")).toInt(), 0);
    }

    // An action that an error dialog answers is an error, with the dialog as its reason;
    // the same click again after dismissing it is its retry, and recovers from it.
    void errorDialogThenRetry()
    {
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        {
            FormApp form;
            QVERIFY(form.start(qtFormPath(), {}));
            QVERIFY(click(form.point(QStringLiteral("check"))));
            const auto dialog = form.waitFor(QStringLiteral("dialog"));
            QVERIFY(dialog);
            beat();
            const QJsonArray ok = dialog->value(QStringLiteral("ok")).toArray();
            QVERIFY(click(QPoint(ok.at(0).toInt(), ok.at(1).toInt())));
            beat();
            QVERIFY(click(form.point(QStringLiteral("check"))));
            QVERIFY(form.waitFor(QStringLiteral("checked")));
            beat();
        }
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));

        QProcess show;
        show.start(QStringLiteral(TRAILMARK_BINARY), {QStringLiteral("--db"), m_database->path(),
                                                      QStringLiteral("show"), sessionId, QStringLiteral("--json")});
        QVERIFY(show.waitForFinished(30000));
        QList<QJsonObject> gui;
        for (const QJsonValue& step :
             QJsonDocument::fromJson(show.readAllStandardOutput()).object().value(QStringLiteral("steps")).toArray()) {
            if (step.toObject().value(QStringLiteral("tool")).toString() == QLatin1String("computer"))
                gui << step.toObject();
        }
        QCOMPARE(gui.size(), 3);
        const QJsonObject& failed = gui.at(0);
        QCOMPARE(failed.value(QStringLiteral("action")).toString(),
                 QStringLiteral("click push button 'Check' — Trailmark Qt Form"));
        QCOMPARE(failed.value(QStringLiteral("outcome")).toString(), QStringLiteral("error"));
        const QString reason = failed.value(QStringLiteral("error_reasons")).toArray().at(0).toString();
        QVERIFY2(reason.startsWith(QLatin1String("dialog: alert 'Error'")) &&
                     reason.contains(QLatin1String("Could not check the name")),
                 qPrintable(reason));
        QVERIFY(failed.value(QStringLiteral("observation")).toString().contains(QLatin1String("Then a dialog")));
        QCOMPARE(gui.at(1).value(QStringLiteral("action")).toString(),
                 QStringLiteral("click push button 'OK' — Error"));
        const QJsonObject& retry = gui.at(2);
        QCOMPARE(retry.value(QStringLiteral("outcome")).toString(), QStringLiteral("ok"));
        QCOMPARE(retry.value(QStringLiteral("retry_of")).toInt(), failed.value(QStringLiteral("index")).toInt());
        QCOMPARE(retry.value(QStringLiteral("attempt")).toInt(), 2);
        QCOMPARE(retry.value(QStringLiteral("recovers")).toInt(), failed.value(QStringLiteral("index")).toInt());
    }

    void gtkFormIsRecorded()
    {
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        {
            FormApp form;
            QVERIFY(form.start(QStringLiteral("/usr/bin/python3"), {gtkFormPath()}));
            QVERIFY(click(form.point(QStringLiteral("email"))));
            beat();
            QVERIFY(type(QStringLiteral("ada@example.org")));
            beat();
            QVERIFY(click(form.point(QStringLiteral("password"))));
            beat();
            QVERIFY(type(QString::fromLatin1(kGtkPassword)));
            beat();
            QVERIFY(click(form.point(QStringLiteral("subscribe"))));
            beat();
            QVERIFY(click(form.point(QStringLiteral("submit"))));
            const auto submitted = form.waitFor(QStringLiteral("submitted"));
            QVERIFY(submitted);
            QCOMPARE(submitted->value(QStringLiteral("email")).toString(), QStringLiteral("ada@example.org"));
            QCOMPARE(submitted->value(QStringLiteral("subscribe")).toBool(), true);
            beat();
        }
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        const auto actions = actionsOf(sessionId);
        const QStringList expected{
            QStringLiteral("click text 'Email'"),
            QStringLiteral("type 'ada@example.org' text 'Email'"),
            QStringLiteral("click password text 'Password'"),
            QStringLiteral("type [typed 11 characters into a password field] password text 'Password'"),
            QStringLiteral("click check box 'Subscribe'"),
            QStringLiteral("click push button 'Submit'"),
        };
        QCOMPARE(described(actions), expected);
        QVERIFY(QString::fromStdString(actions.back().element_path())
                    .startsWith(QLatin1String("frame 'Trailmark GTK Form'")));
        verifyKeyframes(actions);
        const QString exportDir = m_database->directory() + QStringLiteral("/export");
        QVERIFY(exportAll(exportDir));
        QVERIFY(!everythingUnder(m_database->directory()).contains(kGtkPassword));
        validateExport(exportDir, sessionId);
    }
};

QTEST_GUILESS_MAIN(TestGuiActions)
#include "TestGuiActions.moc"
