#include "Review.h"
#include "SessionScript.h"
#include "Store.h"
#include "TestSupport.h"

#include <QTest>

using namespace trailmark;

// review::addRedaction, the one way the GUI (and any future command) redacts a span.
class TestReviewRedaction final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void redactsTheStoredTextAndRecordsTheReviewer();
    void refusesAFieldTheEventDoesNotHave();
};

namespace {

std::string storedCommand(Store& store, const QString& sessionId, const QString& eventId)
{
    std::string command;
    QString error;
    store.readEvents(
        sessionId, 0, -1,
        [&](const StoredEvent& stored) {
            if (QString::fromStdString(stored.event.id()) == eventId)
                command = stored.event.command_started().command();
            return true;
        },
        &error);
    return command;
}

} // namespace

void TestReviewRedaction::redactsTheStoredTextAndRecordsTheReviewer()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString sessionId = test::createSession(*store, QStringLiteral("deploy"));
    QString eventId;
    {
        test::SessionScript script(*store, sessionId);
        eventId = script.command("deploy --token hunter2", 0);
        QVERIFY(script.flush());
    }
    const chains::review::RedactionSpan span{eventId, QStringLiteral("command"), 15, 7, QStringLiteral("secret")};
    v1::Annotation stored;
    QString error;
    QVERIFY2(chains::review::addRedaction(*store, sessionId, QStringLiteral("ana"), span, &stored, &error),
             qPrintable(error));
    QVERIFY(storedCommand(*store, sessionId, eventId).find("hunter2") == std::string::npos);
    QCOMPARE(stored.reviewer(), std::string("ana"));
    QCOMPARE(QString::fromStdString(stored.target_id()), eventId);
    QCOMPARE(stored.redactions_size(), 1);
    QCOMPARE(stored.redactions(0).field(), std::string("command"));
    QCOMPARE(stored.redactions(0).reason(), std::string("secret"));

    const auto annotations = store->annotations(sessionId, &error);
    QVERIFY2(annotations, qPrintable(error));
    QCOMPARE(annotations->size(), 1);
    QCOMPARE(annotations->first().redactions_size(), 1);
}

void TestReviewRedaction::refusesAFieldTheEventDoesNotHave()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString sessionId = test::createSession(*store, QStringLiteral("deploy"));
    QString eventId;
    {
        test::SessionScript script(*store, sessionId);
        eventId = script.command("deploy", 0);
        QVERIFY(script.flush());
    }
    QString error;
    const chains::review::RedactionSpan span{eventId, QStringLiteral("no_such_field"), 0, 1, {}};
    QVERIFY(!chains::review::addRedaction(*store, sessionId, QStringLiteral("ana"), span, nullptr, &error));
    QVERIFY(!error.isEmpty());
    const auto annotations = store->annotations(sessionId, &error);
    QVERIFY(annotations);
    QVERIFY(annotations->isEmpty());
}

QTEST_GUILESS_MAIN(TestReviewRedaction)
#include "TestReviewRedaction.moc"
