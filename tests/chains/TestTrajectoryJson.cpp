#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/TrajectoryJson.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

// The JSON `trailmark show --json` prints, in process: sessions are written through the
// real store (SessionScript), loaded by TrajectoryBuilder and turned into JSON; the tests
// look only at the JSON, so they hold whatever the Step struct becomes.
class TestTrajectoryJson final : public QObject
{
    Q_OBJECT

private:
    // One session: a failing command, a note, an app switch, the re-run that passes, a
    // command whose bytes are not UTF-8, and one that never finished.
    QJsonObject load(const QString& sessionId);
    QString writeSession();

    test::TempDatabase m_database;
    std::unique_ptr<store::Store> m_store;
    QString m_failedId;

private Q_SLOTS:
    void init();
    void everyStepHasEveryKey();
    void keysByTool_data();
    void keysByTool();
    void invalidUtf8KeepsItsBytes();
    void verdictAndRating();
    void stats();
};

void TestTrajectoryJson::init()
{
    m_store.reset();
    QFile::remove(m_database.path());
    m_store = m_database.open();
    QVERIFY(m_store);
}

QString TestTrajectoryJson::writeSession()
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("fix the parser"));
    test::SessionScript session(*m_store, sessionId);
    m_failedId = session.command("pytest tests/test_parser.py", 1, "1 failed, 3 passed\n");
    session.advanceMs(1000);
    session.note(QStringLiteral("the tokenizer drops the last line"));
    session.appSwitch(QStringLiteral("firefox"), QStringLiteral("re - Python docs"));
    session.advanceMs(5000);
    session.command("pytest tests/test_parser.py", 0, "4 passed\n");
    session.command(QByteArray("echo caf\xe9", 9), 0, "caf\xe9\n");
    session.startCommand("npm run dev");
    if (!session.flush())
        return {};
    return sessionId;
}

QJsonObject TestTrajectoryJson::load(const QString& sessionId)
{
    QString error;
    const auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    if (!trajectory) {
        qWarning("load failed: %s", qPrintable(error));
        return {};
    }
    return trajectoryToJson(*trajectory);
}

void TestTrajectoryJson::everyStepHasEveryKey()
{
    const QString sessionId = writeSession();
    QVERIFY(!sessionId.isEmpty());
    const QJsonObject json = load(sessionId);
    const QStringList top{QStringLiteral("session"),
                          QStringLiteral("verdict"),
                          QStringLiteral("steps"),
                          QStringLiteral("unreadable_events"),
                          QStringLiteral("session_annotations"),
                          QStringLiteral("closing_notes"),
                          QStringLiteral("stats")};
    for (const QString& key : top)
        QVERIFY2(json.contains(key), qPrintable(key));
    const QJsonArray steps = json.value(QStringLiteral("steps")).toArray();
    QVERIFY(steps.size() >= 5);
    // The same keys on every step, whatever its tool: a consumer never checks for a key.
    const QStringList keys = steps.at(0).toObject().keys();
    for (const QString& key : {QStringLiteral("index"), QStringLiteral("tool"), QStringLiteral("command"),
                               QStringLiteral("command_base64"), QStringLiteral("exit_code"), QStringLiteral("app"),
                               QStringLiteral("titles"), QStringLiteral("rating"), QStringLiteral("retry_of")})
        QVERIFY2(keys.contains(key), qPrintable(key));
    for (qsizetype i = 0; i < steps.size(); ++i) {
        QCOMPARE(steps.at(i).toObject().keys(), keys);
        QCOMPARE(steps.at(i).toObject().value(QStringLiteral("index")).toInt(), static_cast<int>(i));
    }
}

void TestTrajectoryJson::keysByTool_data()
{
    QTest::addColumn<QString>("action");    // the step's action text, to find it
    QTest::addColumn<QString>("tool");      // expected tool
    QTest::addColumn<QStringList>("nulls"); // keys that must be null
    QTest::addColumn<QStringList>("set");   // keys that must not be null
    QTest::newRow("finished command") << QStringLiteral("pytest tests/test_parser.py") << QStringLiteral("shell")
                                      << QStringList{QStringLiteral("app"), QStringLiteral("titles"),
                                                     QStringLiteral("note_kind"), QStringLiteral("command_base64")}
                                      << QStringList{QStringLiteral("command"), QStringLiteral("exit_code"),
                                                     QStringLiteral("signal"),  QStringLiteral("shell_session_id"),
                                                     QStringLiteral("attempt"), QStringLiteral("observation")};
    QTest::newRow("unfinished command") << QStringLiteral("npm run dev") << QStringLiteral("shell")
                                        << QStringList{QStringLiteral("exit_code"), QStringLiteral("signal"),
                                                       QStringLiteral("app")}
                                        << QStringList{QStringLiteral("command"), QStringLiteral("output_truncated")};
    QTest::newRow("note") << QStringLiteral("the tokenizer drops the last line") << QStringLiteral("note")
                          << QStringList{QStringLiteral("command"), QStringLiteral("exit_code"),
                                         QStringLiteral("cwd"),     QStringLiteral("app"),
                                         QStringLiteral("attempt"), QStringLiteral("rating")}
                          << QStringList{QStringLiteral("note_kind")};
}

void TestTrajectoryJson::keysByTool()
{
    QFETCH(QString, action);
    QFETCH(QString, tool);
    QFETCH(QStringList, nulls);
    QFETCH(QStringList, set);
    const QString sessionId = writeSession();
    QVERIFY(!sessionId.isEmpty());
    QJsonObject step;
    for (const QJsonValue& value : load(sessionId).value(QStringLiteral("steps")).toArray()) {
        const QJsonObject candidate = value.toObject();
        if (candidate.value(QStringLiteral("action")).toString().contains(action)) {
            step = candidate;
            break;
        }
    }
    QVERIFY2(!step.isEmpty(), qPrintable(action));
    QCOMPARE(step.value(QStringLiteral("tool")).toString(), tool);
    for (const QString& key : nulls)
        QVERIFY2(step.value(key).isNull(), qPrintable(key));
    for (const QString& key : set)
        QVERIFY2(step.contains(key) && !step.value(key).isNull(), qPrintable(key));
}

void TestTrajectoryJson::invalidUtf8KeepsItsBytes()
{
    const QString sessionId = writeSession();
    QVERIFY(!sessionId.isEmpty());
    bool seenInvalid = false;
    for (const QJsonValue& value : load(sessionId).value(QStringLiteral("steps")).toArray()) {
        const QJsonObject step = value.toObject();
        if (step.value(QStringLiteral("tool")).toString() != QLatin1String("shell"))
            continue;
        const QJsonValue base64 = step.value(QStringLiteral("command_base64"));
        if (step.value(QStringLiteral("command")).toString().startsWith(QLatin1String("echo caf"))) {
            seenInvalid = true;
            QCOMPARE(QByteArray::fromBase64(base64.toString().toLatin1()), QByteArray("echo caf\xe9", 9));
            QCOMPARE(step.value(QStringLiteral("command")).toString(), QStringLiteral("echo caf\uFFFD"));
        } else {
            QVERIFY(base64.isNull()); // valid UTF-8: the string is the bytes
        }
    }
    QVERIFY(seenInvalid);
}

void TestTrajectoryJson::verdictAndRating()
{
    const QString sessionId = writeSession();
    QVERIFY(!sessionId.isEmpty());
    QVERIFY(load(sessionId).value(QStringLiteral("verdict")).isNull());

    QString error;
    v1::Annotation rating;
    rating.set_session_id(sessionId.toStdString());
    rating.set_target_id(m_failedId.toStdString());
    rating.set_reviewer("rita");
    rating.set_rating(-1);
    rating.set_has_rating(true);
    QVERIFY2(m_store->addAnnotation(rating, &error), qPrintable(error));
    for (const auto verdict : {v1::Annotation::VERDICT_NEEDS_WORK, v1::Annotation::VERDICT_ACCEPTED}) {
        v1::Annotation annotation;
        annotation.set_session_id(sessionId.toStdString());
        annotation.set_target_id(sessionId.toStdString());
        annotation.set_reviewer("rita");
        annotation.set_verdict(verdict);
        QVERIFY2(m_store->addAnnotation(annotation, &error), qPrintable(error));
    }

    const QJsonObject json = load(sessionId);
    QCOMPARE(json.value(QStringLiteral("verdict")).toString(), QStringLiteral("accepted")); // the latest wins
    QCOMPARE(json.value(QStringLiteral("session_annotations")).toArray().size(), 2);
    const QJsonObject first = json.value(QStringLiteral("steps")).toArray().at(0).toObject();
    QCOMPARE(first.value(QStringLiteral("rating")).toInt(), -1);
    QCOMPARE(first.value(QStringLiteral("annotations")).toArray().size(), 1);
    const QJsonObject second = json.value(QStringLiteral("steps")).toArray().at(1).toObject();
    QVERIFY(second.value(QStringLiteral("rating")).isNull());
}

void TestTrajectoryJson::stats()
{
    const QString sessionId = writeSession();
    QVERIFY(!sessionId.isEmpty());
    const QJsonObject json = load(sessionId);
    const QJsonObject stats = json.value(QStringLiteral("stats")).toObject();
    QCOMPARE(stats.value(QStringLiteral("steps")).toInt(), json.value(QStringLiteral("steps")).toArray().size());
    QCOMPARE(stats.value(QStringLiteral("unreadable_events")).toInt(), 0);
    QVERIFY(stats.value(QStringLiteral("errors")).toInt() >= 1); // the failing pytest
    for (const QString& key : {QStringLiteral("retries"), QStringLiteral("recoveries")})
        QVERIFY2(stats.contains(key), qPrintable(key));
    QCOMPARE(json.value(QStringLiteral("session")).toObject().value(QStringLiteral("id")).toString(), sessionId);
}

QTEST_GUILESS_MAIN(TestTrajectoryJson)
#include "TestTrajectoryJson.moc"
