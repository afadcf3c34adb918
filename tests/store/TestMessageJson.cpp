#include "store/MessageJson.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QTest>

using namespace trailmark;

class TestMessageJson final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyFieldOfTheSetBodyIsPresent();
    void invalidUtf8BecomesReplacementCharacters();
    void enumsByNameAndRepeatedAsArrays();
};

void TestMessageJson::everyFieldOfTheSetBodyIsPresent()
{
    v1::Event event;
    event.set_seq(3);
    event.mutable_command_finished()->set_exit_code(2);
    const QJsonObject json = store::messageToJson(event);
    QCOMPARE(json.value(QStringLiteral("seq")).toInteger(), 3);
    QVERIFY(json.contains(QStringLiteral("command_finished")));
    QVERIFY(!json.contains(QStringLiteral("command_started"))); // other oneof members left out
    const QJsonObject finished = json.value(QStringLiteral("command_finished")).toObject();
    QCOMPARE(finished.value(QStringLiteral("exit_code")).toInt(), 2);
    QVERIFY(finished.contains(QStringLiteral("output_head"))); // unset but present
    QCOMPARE(finished.value(QStringLiteral("output_truncated")).toBool(true), false);
}

void TestMessageJson::invalidUtf8BecomesReplacementCharacters()
{
    v1::Event event;
    event.mutable_command_started()->set_command(std::string("echo caf\xc3\xa9 \xff!", 13));
    const QJsonObject started = store::messageToJson(event).value(QStringLiteral("command_started")).toObject();
    QCOMPARE(started.value(QStringLiteral("command")).toString(), QStringLiteral("echo café \uFFFD!"));
}

void TestMessageJson::enumsByNameAndRepeatedAsArrays()
{
    v1::Annotation annotation;
    annotation.set_verdict(v1::Annotation::VERDICT_ACCEPTED);
    annotation.add_labels("good-recovery");
    annotation.add_labels("efficient");
    const QJsonObject json = store::messageToJson(annotation);
    QCOMPARE(json.value(QStringLiteral("verdict")).toString(), QStringLiteral("VERDICT_ACCEPTED"));
    QCOMPARE(json.value(QStringLiteral("labels")).toArray().size(), 2);
    QCOMPARE(json.value(QStringLiteral("redactions")).toArray().size(), 0);
}

QTEST_GUILESS_MAIN(TestMessageJson)
#include "TestMessageJson.moc"
