#pragma once

#include "TestSupport.h"
#include "store/Store.h"
#include "trailmark/v1/event.pb.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPoint>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <memory>
#include <optional>
#include <vector>

// What the GUI-action tests share: the forms under test and xdotool to drive them, and a
// recording by the real binary with what it stored and exported.
namespace trailmark::test {

// What the expert types into the password fields: it must appear nowhere.
inline const QByteArray kQtPassword = "s3cr3t-Pw9";
inline const QByteArray kGtkPassword = "gtkHunter42";

// One stored action as the assertions read it: "click push button 'Save'".
QString describe(const v1::GuiAction& action);
bool xdotool(const QStringList& arguments);

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

QString qtFormPath();
QString gtkFormPath();
// Pauses as a person does between actions: longer than the double-click time, so
// each click is one action, and time for the app to announce the new focus.
void beat();
bool click(QPoint at);
bool type(const QString& text);
// Replays one exported Anthropic computer action with xdotool, the coordinates moved by
// `offset` (the replayed window may sit elsewhere on the screen).
bool replay(const QJsonObject& action, QPoint offset);
QByteArray everythingUnder(const QString& directory);

// A recording of GUI actions by `trailmark record` in its own process, into a fresh
// database for each test.
class GuiActionsFixture : public QObject
{
    Q_OBJECT

protected:
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
};

} // namespace trailmark::test
