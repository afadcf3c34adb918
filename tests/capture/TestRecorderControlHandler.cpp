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
};

QTEST_GUILESS_MAIN(TestRecorderControlHandler)
#include "TestRecorderControlHandler.moc"
