// The control protocol's requests, answered without a socket: which requests and note
// kinds are accepted, what reaches the recorder, and what the answer says.
#include "capture/RecorderControlHandler.h"

#include <QJsonObject>
#include <QTest>

#include <unistd.h>

using namespace trailmark;

namespace {

struct NoteCall
{
    int count = 0;
    QString text;
    v1::Note::Kind kind = v1::Note::KIND_UNSPECIFIED;
    QString origin;
};

capture::RecorderControlHandler handlerFor(NoteCall* call, std::optional<QString> result = QStringLiteral("event-1"))
{
    return capture::RecorderControlHandler(
        [] { return QStringLiteral("session-1"); },
        [call, result](const QString& text, v1::Note::Kind kind, const QString& origin,
                       QString* error) -> std::optional<QString> {
            ++call->count;
            call->text = text;
            call->kind = kind;
            call->origin = origin;
            if (!result)
                *error = QStringLiteral("recording is paused; resume it to add notes");
            return result;
        });
}

} // namespace

class TestRecorderControlHandler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void statusNamesSessionAndProcess()
    {
        NoteCall call;
        const QJsonObject answer = handlerFor(&call).answer({{QStringLiteral("request"), QStringLiteral("status")}});
        QCOMPARE(answer.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(answer.value(QStringLiteral("session")).toString(), QStringLiteral("session-1"));
        QCOMPARE(answer.value(QStringLiteral("pid")).toInteger(), static_cast<qint64>(::getpid()));
        QCOMPARE(call.count, 0);
    }

    void notesReachTheRecorder_data()
    {
        QTest::addColumn<QJsonObject>("request");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("origin");
        const auto note = [](const QString& kind, const QString& origin) {
            QJsonObject request{{QStringLiteral("request"), QStringLiteral("note")},
                                {QStringLiteral("text"), QStringLiteral("check the logs")}};
            if (!kind.isNull())
                request.insert(QStringLiteral("kind"), kind);
            if (!origin.isNull())
                request.insert(QStringLiteral("origin"), origin);
            return request;
        };
        QTest::newRow("no kind, no origin") << note({}, {}) << int(v1::Note::KIND_UNSPECIFIED) << QStringLiteral("cli");
        QTest::newRow("goal") << note(QStringLiteral("goal"), {}) << int(v1::Note::KIND_GOAL) << QStringLiteral("cli");
        QTest::newRow("think is think-aloud") << note(QStringLiteral("think"), QStringLiteral("hotkey"))
                                              << int(v1::Note::KIND_THINK_ALOUD) << QStringLiteral("hotkey");
        QTest::newRow("empty origin is cli")
            << note(QStringLiteral("plan"), QStringLiteral("")) << int(v1::Note::KIND_PLAN) << QStringLiteral("cli");
    }
    void notesReachTheRecorder()
    {
        QFETCH(QJsonObject, request);
        QFETCH(int, kind);
        QFETCH(QString, origin);
        NoteCall call;
        const QJsonObject answer = handlerFor(&call).answer(request);
        QCOMPARE(call.count, 1);
        QCOMPARE(call.text, QStringLiteral("check the logs"));
        QCOMPARE(int(call.kind), kind);
        QCOMPARE(call.origin, origin);
        QCOMPARE(answer.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(answer.value(QStringLiteral("session")).toString(), QStringLiteral("session-1"));
        QCOMPARE(answer.value(QStringLiteral("event")).toString(), QStringLiteral("event-1"));
    }

    void refusals_data()
    {
        QTest::addColumn<QJsonObject>("request");
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("unknown request") << QJsonObject{{QStringLiteral("request"), QStringLiteral("stop")}}
                                         << QStringLiteral("unknown request 'stop'");
        QTest::newRow("no request") << QJsonObject{} << QStringLiteral("unknown request ''");
        QTest::newRow("unknown kind") << QJsonObject{{QStringLiteral("request"), QStringLiteral("note")},
                                                     {QStringLiteral("text"), QStringLiteral("x")},
                                                     {QStringLiteral("kind"), QStringLiteral("rant")}}
                                      << QStringLiteral("unknown note kind 'rant'");
    }
    void refusals()
    {
        QFETCH(QJsonObject, request);
        QFETCH(QString, errorPart);
        NoteCall call;
        const QJsonObject answer = handlerFor(&call).answer(request);
        QCOMPARE(answer.value(QStringLiteral("ok")).toBool(), false);
        QVERIFY2(answer.value(QStringLiteral("error")).toString().contains(errorPart),
                 qPrintable(answer.value(QStringLiteral("error")).toString()));
        QCOMPARE(call.count, 0);
    }

    void recorderRefusalIsTheAnswer()
    {
        NoteCall call;
        const QJsonObject answer = handlerFor(&call, std::nullopt)
                                       .answer({{QStringLiteral("request"), QStringLiteral("note")},
                                                {QStringLiteral("text"), QStringLiteral("x")}});
        QCOMPARE(call.count, 1);
        QCOMPARE(answer.value(QStringLiteral("ok")).toBool(), false);
        QCOMPARE(answer.value(QStringLiteral("error")).toString(),
                 QStringLiteral("recording is paused; resume it to add notes"));
        QVERIFY(!answer.contains(QStringLiteral("event")));
    }

    // A `trailmark shell` terminal tells the recorder of each command it stores itself.
    void shellEventsReachTheSources()
    {
        std::vector<v1::Event> seen;
        const capture::RecorderControlHandler handler(
            [] { return QStringLiteral("session-1"); },
            [](const QString&, v1::Note::Kind, const QString&, QString*) { return std::optional<QString>(); },
            [&seen](const v1::Event& event, QString*) {
                seen.push_back(event);
                return true;
            });
        v1::Event started;
        started.mutable_command_started()->set_command_id("bash-1-2");
        started.mutable_command_started()->set_cwd("/home/ada/src/stock");
        const std::string bytes = started.SerializeAsString();
        const auto request = [](const QString& event) {
            return QJsonObject{{QStringLiteral("request"), QStringLiteral("shell-event")},
                               {QStringLiteral("event"), event}};
        };
        const QJsonObject answer =
            handler.answer(request(QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64())));
        QVERIFY(answer.value(QStringLiteral("ok")).toBool());
        QCOMPARE(seen.size(), size_t(1));
        QCOMPARE(seen[0].command_started().cwd(), std::string("/home/ada/src/stock"));
        // Garbage, and events that are no shell's, are refused and reach no source.
        v1::Event note;
        note.mutable_note()->set_text("x");
        for (const QString& bad :
             {QStringLiteral("not base64 !"),
              QString::fromLatin1(QByteArray::fromStdString(note.SerializeAsString()).toBase64())}) {
            const QJsonObject refused = handler.answer(request(bad));
            QCOMPARE(refused.value(QStringLiteral("ok")).toBool(), false);
            QVERIFY(refused.value(QStringLiteral("error")).toString().contains(QStringLiteral("CommandStarted")));
        }
        QCOMPARE(seen.size(), size_t(1));
    }
};

QTEST_GUILESS_MAIN(TestRecorderControlHandler)
#include "TestRecorderControlHandler.moc"
