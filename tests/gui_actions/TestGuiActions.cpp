// GUI actions end to end, as an expert records them: `trailmark record --gui-actions`
// in its own process on a real X server (Xvfb + openbox) with a real D-Bus session and
// AT-SPI registry (the test runs under dbus-run-session), a real Qt 6 form and a real
// GTK 3 form driven by xdotool. Then the export is replayed into a fresh form and must
// leave it as the recording did.
#include "TestSupport.h"
#include "store/Store.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTest>

#include <csignal>

using namespace trailmark;
using namespace trailmark::test;

namespace {

// What the expert types into the password fields: it must appear nowhere.
const QByteArray kQtPassword = "s3cr3t-Pw9";
const QByteArray kGtkPassword = "gtkHunter42";

QString kindName(v1::GuiAction::Kind kind)
{
    return QString::fromStdString(v1::GuiAction::Kind_Name(kind)).mid(5).toLower(); // KIND_CLICK -> click
}

// One stored action as the assertions read it: "click push button 'Save'".
QString describe(const v1::GuiAction& action)
{
    QString line = kindName(action.kind());
    if (action.kind() == v1::GuiAction::KIND_TYPE)
        line += action.text_withheld() ? QStringLiteral(" [%1]").arg(QString::fromStdString(action.withheld_reason()))
                                       : QStringLiteral(" '%1'").arg(QString::fromStdString(action.text()));
    if (!action.keys().empty())
        line += QStringLiteral(" ") + QString::fromStdString(action.keys());
    if (action.kind() == v1::GuiAction::KIND_SCROLL)
        line +=
            QStringLiteral(" %1×%2").arg(QString::fromStdString(action.scroll_direction())).arg(action.scroll_amount());
    if (action.element_status() == v1::GuiAction::ELEMENT_STATUS_FOUND)
        line += QStringLiteral(" %1 '%2'")
                    .arg(QString::fromStdString(action.element_role()), QString::fromStdString(action.element_name()));
    else
        line += QStringLiteral(" (element %1)")
                    .arg(QString::fromStdString(v1::GuiAction::ElementStatus_Name(action.element_status())));
    return line;
}

bool xdotool(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral("xdotool"), arguments);
    return process.waitForFinished(20000) && process.exitCode() == 0;
}

// An app under test that prints JSON lines (QtForm, gtk_form.py).
class FormApp
{
public:
    bool start(const QString& program, const QStringList& arguments)
    {
        m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_process.start(program, arguments);
        if (!m_process.waitForStarted(10000))
            return false;
        const auto ready = waitFor(QStringLiteral("ready"));
        if (!ready)
            return false;
        m_ready = *ready;
        // The app registers on the accessibility bus as it starts; give it a moment.
        QTest::qWait(1500);
        return true;
    }
    ~FormApp()
    {
        m_process.terminate();
        if (!m_process.waitForFinished(5000))
            m_process.kill();
        m_process.waitForFinished(2000);
    }
    QPoint point(const QString& widget) const
    {
        const QJsonArray xy = m_ready.value(widget).toArray();
        return {xy.at(0).toInt(), xy.at(1).toInt()};
    }
    std::optional<QJsonObject> waitFor(const QString& event, int timeoutMs = 15000)
    {
        for (int waited = 0; waited < timeoutMs; waited += 50) {
            while (m_process.canReadLine()) {
                const QJsonObject line = QJsonDocument::fromJson(m_process.readLine()).object();
                if (line.value(QStringLiteral("event")).toString() == event)
                    return line;
            }
            if (m_process.state() != QProcess::Running)
                return std::nullopt;
            QTest::qWait(50);
        }
        return std::nullopt;
    }

private:
    QProcess m_process;
    QJsonObject m_ready;
};

QString qtFormPath()
{
    return QStringLiteral(TRAILMARK_QT_FORM);
}

QString gtkFormPath()
{
    return QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/gui_actions/gtk_form.py");
}

// Pauses as a person does between actions: longer than the double-click time, so
// each click is one action, and time for the app to announce the new focus.
void beat()
{
    QTest::qWait(700);
}

bool click(QPoint at)
{
    return xdotool({QStringLiteral("mousemove"), QString::number(at.x()), QString::number(at.y())}) &&
           (QTest::qWait(150), true) && xdotool({QStringLiteral("click"), QStringLiteral("1")});
}

bool type(const QString& text)
{
    return xdotool({QStringLiteral("type"), QStringLiteral("--delay"), QStringLiteral("60"), text});
}

// Replays one exported Anthropic computer action with xdotool, the coordinates moved by
// `offset` (the replayed window may sit elsewhere on the screen).
bool replay(const QJsonObject& action, QPoint offset)
{
    const QString kind = action.value(QStringLiteral("action")).toString();
    const auto at = [&](const char* key) {
        const QJsonArray xy = action.value(QLatin1String(key)).toArray();
        return QPoint(xy.at(0).toInt(), xy.at(1).toInt()) + offset;
    };
    const auto move = [](QPoint point) {
        return xdotool({QStringLiteral("mousemove"), QString::number(point.x()), QString::number(point.y())});
    };
    bool ok = true;
    if (kind == QLatin1String("left_click")) {
        ok = click(at("coordinate"));
    } else if (kind == QLatin1String("left_click_drag")) {
        const QPoint from = at("start_coordinate");
        const QPoint to = at("coordinate");
        ok = move(from) && xdotool({QStringLiteral("mousedown"), QStringLiteral("1")});
        for (int step = 1; ok && step <= 5; ++step) {
            QTest::qWait(40);
            ok = move(from + (to - from) * step / 5);
        }
        ok = ok && xdotool({QStringLiteral("mouseup"), QStringLiteral("1")});
    } else if (kind == QLatin1String("scroll")) {
        const QString direction = action.value(QStringLiteral("scroll_direction")).toString();
        const QString button = direction == QLatin1String("up") ? QStringLiteral("4") : QStringLiteral("5");
        ok = move(at("coordinate")) && xdotool({QStringLiteral("click"), QStringLiteral("--repeat"),
                                                QString::number(action.value(QStringLiteral("scroll_amount")).toInt()),
                                                QStringLiteral("--delay"), QStringLiteral("80"), button});
    } else if (kind == QLatin1String("type")) {
        ok = type(action.value(QStringLiteral("text")).toString());
    } else if (kind == QLatin1String("key")) {
        ok = xdotool({QStringLiteral("key"), action.value(QStringLiteral("text")).toString()});
    } else {
        qWarning() << "cannot replay" << kind;
        return false;
    }
    beat();
    return ok;
}

QByteArray everythingUnder(const QString& directory)
{
    QByteArray all;
    QDirIterator files(directory, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (files.hasNext()) {
        QFile file(files.next());
        if (file.open(QIODevice::ReadOnly))
            all += file.readAll();
    }
    return all;
}

} // namespace

class TestGuiActions final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TempDatabase> m_database;
    QProcess m_recorder;
    QString m_recorderErr;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TRAILMARK_SPOOL_DIR"), m_database->directory() + QStringLiteral("/spool"));
        return env;
    }

    QString startRecording()
    {
        m_recorder.setProcessEnvironment(environment());
        m_recorder.start(QStringLiteral(TRAILMARK_BINARY),
                         {QStringLiteral("--db"), m_database->path(), QStringLiteral("record"),
                          QStringLiteral("--task"), QStringLiteral("fill in the forms"),
                          QStringLiteral("--gui-actions"), QStringLiteral("--no-edits")});
        if (!m_recorder.waitForStarted())
            return {};
        for (int i = 0; i < 200 && !m_recorder.canReadLine() && m_recorder.state() == QProcess::Running; ++i)
            QTest::qWait(50);
        const QString id = QString::fromUtf8(m_recorder.readLine()).trimmed();
        // Until it says it records, the sources may not be listening yet.
        for (int i = 0; i < 100 && !m_recorderErr.contains(QLatin1String("recording into")); ++i) {
            m_recorderErr += QString::fromUtf8(m_recorder.readAllStandardError());
            QTest::qWait(50);
        }
        return id;
    }

    bool stopRecording()
    {
        ::kill(static_cast<pid_t>(m_recorder.processId()), SIGINT);
        const bool finished = m_recorder.waitForFinished(20000);
        m_recorderErr += QString::fromUtf8(m_recorder.readAllStandardError());
        return finished && m_recorder.exitCode() == 0;
    }

    std::vector<v1::GuiAction> actionsOf(const QString& sessionId)
    {
        std::vector<v1::GuiAction> actions;
        auto store = m_database->open();
        for (const v1::Event& event : eventsOf(*store, sessionId)) {
            if (event.has_gui_action())
                actions.push_back(event.gui_action());
        }
        return actions;
    }

    QStringList described(const std::vector<v1::GuiAction>& actions)
    {
        QStringList lines;
        for (const auto& action : actions)
            lines << describe(action);
        return lines;
    }

    // Every action has its keyframe in the store, a PNG of the whole screen.
    void verifyKeyframes(const std::vector<v1::GuiAction>& actions)
    {
        auto store = m_database->open();
        for (const auto& action : actions) {
            QVERIFY2(!action.keyframe_sha256().empty(), qPrintable(describe(action)));
            QString error;
            const auto png = store->blob(QByteArray::fromStdString(action.keyframe_sha256()), &error);
            QVERIFY2(png.has_value(), qPrintable(error));
            QImage image;
            QVERIFY(image.loadFromData(*png, "PNG"));
            QCOMPARE(image.width(), int(action.screen_width()));
            QCOMPARE(image.height(), int(action.screen_height()));
        }
    }

    QList<QJsonObject> exportedRows(const QString& directory)
    {
        QList<QJsonObject> rows;
        QFile file(directory + QStringLiteral("/agent_chain/train.jsonl"));
        if (!file.open(QIODevice::ReadOnly))
            return rows;
        while (!file.atEnd())
            rows << QJsonDocument::fromJson(file.readLine()).object();
        return rows;
    }

    // The consumers' own rules (tests/python): every format loads, every computer call
    // is a valid action in each action space.
    void validateExport(const QString& directory, const QString& sessionId)
    {
        auto store = m_database->open();
        const qsizetype events = eventsOf(*store, sessionId).size();
        const qsizetype steps = exportedRows(directory).size();
        QProcess validator;
        validator.start(QStringLiteral(TRAILMARK_PYTHON),
                        {QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/validate_export.py"), directory,
                         QStringLiteral("--sessions"), QStringLiteral("1"), QStringLiteral("--steps"),
                         QString::number(steps), QStringLiteral("--events"), QString::number(events),
                         QStringLiteral("--protoc"), QStringLiteral(TRAILMARK_PROTOC)});
        QVERIFY(validator.waitForFinished(120'000));
        QVERIFY2(validator.exitCode() == 0, validator.readAllStandardOutput().constData());
    }

    bool exportAll(const QString& directory)
    {
        QProcess exporter;
        exporter.start(QStringLiteral(TRAILMARK_BINARY),
                       {QStringLiteral("--db"), m_database->path(), QStringLiteral("export"),
                        QStringLiteral("--format"), QStringLiteral("all"), QStringLiteral("--out"), directory});
        const bool ok = exporter.waitForFinished(60000) && exporter.exitCode() == 0;
        if (!ok)
            qWarning().noquote() << exporter.readAllStandardError();
        return ok;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"), "needs Xvfb + openbox: run through packaging/dev.sh test");
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "needs a D-Bus session with the AT-SPI registry: CTest runs this under dbus-run-session");
    }

    void init()
    {
        m_database = std::make_unique<TempDatabase>();
        m_recorderErr.clear();
    }

    void cleanup()
    {
        if (m_recorder.state() != QProcess::NotRunning) {
            m_recorder.kill();
            m_recorder.waitForFinished();
        }
        if (QTest::currentTestFailed())
            qWarning().noquote() << "recorder said:" << m_recorderErr;
    }

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

    // Apps already running when recording starts: a GTK app (always on the accessibility
    // bus) whose field had the focus before anyone asked is read by asking it; an X client
    // without accessibility (xterm) is named once and its clicks keep only coordinates;
    // what is typed into a terminal is left to the shell hooks.
    void appsRunningBeforeRecording()
    {
        QProcess xterm;
        xterm.start(QStringLiteral("xterm"), {QStringLiteral("-geometry"), QStringLiteral("60x10+0+0"),
                                              QStringLiteral("-title"), QStringLiteral("plain xterm")});
        QVERIFY(xterm.waitForStarted());
        const auto closeXterm = qScopeGuard([&] {
            xterm.kill();
            xterm.waitForFinished();
        });
        QTest::qWait(1000);
        FormApp form;
        QVERIFY(form.start(QStringLiteral("/usr/bin/python3"), {gtkFormPath()}));
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        QTest::qWait(2500); // the recorder names unreadable apps after a grace period
        // The form's first field has had the focus since it appeared: no click, no event.
        QVERIFY(type(QStringLiteral("ada@example.org")));
        beat();
        QVERIFY(click(QPoint(120, 60))); // inside the xterm
        beat();
        QVERIFY(type(QStringLiteral("echo hi")));
        beat();
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        QVERIFY2(m_recorderErr.contains(QLatin1String("cannot be read through accessibility")) &&
                     m_recorderErr.contains(QLatin1String("XTerm (pid")),
                 qPrintable(m_recorderErr));
        QCOMPARE(m_recorderErr.count(QLatin1String("cannot be read through accessibility")), 1);
        const auto actions = actionsOf(sessionId);
        // What is typed into a terminal is the shell's to record (its hooks keep the
        // command with its meaning): only the click is a GUI action.
        QCOMPARE(described(actions), (QStringList{QStringLiteral("type 'ada@example.org' text 'Email'"),
                                                  QStringLiteral("click (element ELEMENT_STATUS_NO_ACCESSIBILITY)")}));
        QCOMPARE(QPoint(actions.at(1).x(), actions.at(1).y()), QPoint(120, 60));
        QCOMPARE(QString::fromStdString(actions.at(1).app_class()), QStringLiteral("XTerm"));
        verifyKeyframes(actions);
        // The terminal beside the form is blacked out of the form's keyframe (what it
        // shows is the shell's, redacted there); the form itself is as it was.
        auto store = m_database->open();
        QString error;
        QImage keyframe;
        QVERIFY(keyframe.loadFromData(
            store->blob(QByteArray::fromStdString(actions.front().keyframe_sha256()), &error).value_or(QByteArray())));
        QCOMPARE(keyframe.pixelColor(120, 60), QColor(Qt::black));
        QVERIFY(keyframe.pixelColor(form.point(QStringLiteral("submit"))) != QColor(Qt::black));
    }

    // An excluded app's actions are kept as facts without what they showed or took in.
    void excludedAppKeepsNoTextTitleOrPicture()
    {
        const QString rules = qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/trailmark/exclude.conf");
        QVERIFY(QDir().mkpath(QFileInfo(rules).path()));
        QFile file(rules);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("class trailmark_qt_form\n");
        file.close();
        const auto removeRules = qScopeGuard([&] { QFile::remove(rules); });
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        {
            FormApp form;
            QVERIFY(form.start(qtFormPath(), {}));
            QVERIFY(click(form.point(QStringLiteral("name"))));
            beat();
            QVERIFY(type(QStringLiteral("Ada Lovelace")));
            beat();
        }
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        const auto actions = actionsOf(sessionId);
        QCOMPARE(described(actions),
                 (QStringList{QStringLiteral("click (element ELEMENT_STATUS_UNSPECIFIED)"),
                              QStringLiteral("type [typed 12 characters into an excluded window] (element "
                                             "ELEMENT_STATUS_UNSPECIFIED)")}));
        for (const auto& action : actions) {
            QVERIFY(action.window_title().empty());
            QVERIFY(action.keyframe_sha256().empty());
            QCOMPARE(QString::fromStdString(action.app_class()), QStringLiteral("trailmark_qt_form"));
        }
        QVERIFY(!everythingUnder(m_database->directory()).contains("Lovelace"));
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
