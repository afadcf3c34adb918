#include "SessionScript.h"
#include "TestSupport.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;

// `trailmark show` on a real database, through the real binary.
class TestShowCommand final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Result show(const QStringList& arguments);

    test::TempDatabase m_database;
    test::MessySession m_session;

private Q_SLOTS:
    void initTestCase();
    void textMarksErrorsRetriesAndRecoveries();
    void jsonHasTheSameStepsInMachineForm();
    void unknownSessionFails();
    void unreadableEventsStayVisible();
};

TestShowCommand::Result TestShowCommand::show(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  QStringList{QStringLiteral("--db"), m_database.path(), QStringLiteral("show")} + arguments);
    Result result;
    if (!process.waitForFinished(30'000))
        return result;
    result.exitCode = process.exitCode();
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void TestShowCommand::initTestCase()
{
    auto store = m_database.open();
    QVERIFY(store);
    m_session = test::createMessySession(*store);
    QVERIFY(!m_session.sessionId.isEmpty());
}

void TestShowCommand::textMarksErrorsRetriesAndRecoveries()
{
    const Result result = show({m_session.sessionId.left(13)});
    QCOMPARE(result.exitCode, 0);
    const QStringList lines = result.out.split(QLatin1Char('\n'));
    auto lineOf = [&](const QString& needle) {
        for (const QString& line : lines) {
            if (line.contains(needle))
                return line;
        }
        return QString();
    };
    QVERIFY2(result.out.contains(QStringLiteral("12 (2 errors, 1 retries, 1 recoveries)")), qPrintable(result.out));
    const QString failed = lineOf(QStringLiteral("$ pytest tests/test_parser.py   ERROR"));
    QVERIFY2(failed.contains(QStringLiteral("exit 1")) && failed.contains(QStringLiteral("retried by #7")),
             qPrintable(result.out));
    const QString rerun = lineOf(QStringLiteral("RECOVERS #2"));
    QVERIFY2(rerun.contains(QStringLiteral("$ pytest tests/test_parser.py")) &&
                 rerun.contains(QStringLiteral("RETRY of #2, attempt 2")),
             qPrintable(result.out));
    QVERIFY(result.out.contains(QStringLiteral("thought: quotes are not unescaped before splitting")));
    QVERIFY(result.out.contains(QStringLiteral("thought (reviewer): the Makefile has no build target")));
    QVERIFY(result.out.contains(QStringLiteral("review by rita: rating +1 [good-recovery]")));
    QVERIFY(result.out.contains(QStringLiteral("review by rita: rating -1 [wrong-target]")));
    QVERIFY(lineOf(QStringLiteral("./serve --port 8080")).contains(QStringLiteral("INTERRUPTED")));
    QVERIFY(lineOf(QStringLiteral("switch to Firefox")).contains(QStringLiteral("shlex — Python documentation")));
    QVERIFY(result.out.contains(QStringLiteral("verdict: VERDICT_ACCEPTED")));
    QVERIFY(result.out.contains(QStringLiteral("“lesson: unescape before split”")));
}

void TestShowCommand::jsonHasTheSameStepsInMachineForm()
{
    const Result result = show({m_session.sessionId, QStringLiteral("--json")});
    QCOMPARE(result.exitCode, 0);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(result.out.toUtf8(), &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    QCOMPARE(result.out.count(QLatin1Char('\n')), 1); // one document, one line
    const QJsonObject root = document.object();
    QCOMPARE(root.value(QStringLiteral("verdict")).toString(), QStringLiteral("accepted"));
    const QJsonArray steps = root.value(QStringLiteral("steps")).toArray();
    QCOMPARE(steps.size(), 12);
    const QStringList keys = steps.at(0).toObject().keys();
    for (const auto& step : steps)
        QCOMPARE(step.toObject().keys(), keys); // every key on every step
    const QJsonObject rerun = steps.at(7).toObject();
    QCOMPARE(rerun.value(QStringLiteral("retry_of")).toInt(), 2);
    QCOMPARE(rerun.value(QStringLiteral("attempt")).toInt(), 2);
    QCOMPARE(rerun.value(QStringLiteral("recovers")).toInt(), 2);
    QCOMPARE(rerun.value(QStringLiteral("rating")).toInt(), 1);
    QCOMPARE(steps.at(2).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("error"));
    QCOMPARE(steps.at(2).toObject().value(QStringLiteral("retried_by")).toInt(), 7);
    QVERIFY(steps.at(0).toObject().value(QStringLiteral("retry_of")).isNull());
    QCOMPARE(steps.at(4).toObject().value(QStringLiteral("thought")).toString(),
             QStringLiteral("quotes are not unescaped before splitting"));
    // The Latin-1 byte survives as base64 next to the readable text.
    const QJsonObject printf = steps.at(9).toObject();
    QCOMPARE(QByteArray::fromBase64(printf.value(QStringLiteral("command_base64")).toString().toLatin1()),
             QByteArray("printf 'caf\xe9\\n' > latin1.txt"));
    QVERIFY(steps.at(7).toObject().value(QStringLiteral("command_base64")).isNull());
    QCOMPARE(steps.at(10).toObject().value(QStringLiteral("outcome")).toString(), QStringLiteral("interrupted"));
    QCOMPARE(steps.at(5).toObject().value(QStringLiteral("screenshots")).toArray().size(), 1);
    // The raw events ride along.
    const QJsonArray events = root.value(QStringLiteral("events")).toArray();
    QCOMPARE(events.size(), 19);
    QCOMPARE(events.at(2).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("command_started"));
}

void TestShowCommand::unknownSessionFails()
{
    const Result result = show({QStringLiteral("ffffffff")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("no session matches 'ffffffff'")), qPrintable(result.err));
}

void TestShowCommand::unreadableEventsStayVisible()
{
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        QVERIFY(store);
        sessionId = test::createMessySession(*store).sessionId;
        QVERIFY(store::sqliteExec(store->handle(), "UPDATE events SET payload = x'ffff' WHERE seq = 3", nullptr));
    }
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  {QStringLiteral("--db"), database.path(), QStringLiteral("show"), sessionId});
    QVERIFY(process.waitForFinished(30'000));
    const QString out = QString::fromUtf8(process.readAllStandardOutput());
    QCOMPARE(process.exitCode(), 0);
    QVERIFY2(out.contains(QStringLiteral("unreadable event seq 3")), qPrintable(out));
    QVERIFY(out.contains(QStringLiteral("$ vim parser.py"))); // the rest is still there
    QVERIFY(QString::fromUtf8(process.readAllStandardError()).contains(QStringLiteral("could not be decoded")));
}

QTEST_GUILESS_MAIN(TestShowCommand)
#include "TestShowCommand.moc"
