#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "store/Store.h"

#include <QTest>

using namespace trailmark;

// review::addRedaction, the one way the GUI (and any future command) redacts a span.
class TestReviewRedaction final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void redactsTheStoredTextAndRecordsTheReviewer();
    void refusesAFieldTheEventDoesNotHave();

private:
    // A new session of one command; returns the session id, *eventId the command's.
    QString oneCommandSession(const QByteArray& command, QString* eventId);

    std::unique_ptr<test::TempDatabase> m_database;
    std::unique_ptr<store::Store> m_store;
};

namespace {

std::string storedCommand(store::Store& store, const QString& sessionId, const QString& eventId)
{
    std::string command;
    QString error;
    store.readEvents(
        sessionId, 0, -1,
        [&](const store::StoredEvent& stored) {
            if (QString::fromStdString(stored.event.id()) == eventId)
                command = stored.event.command_started().command();
            return true;
        },
        &error);
    return command;
}

} // namespace

void TestReviewRedaction::init()
{
    m_store.reset();
    m_database = std::make_unique<test::TempDatabase>();
    m_store = m_database->open();
    QVERIFY(m_store);
}

QString TestReviewRedaction::oneCommandSession(const QByteArray& command, QString* eventId)
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("deploy"));
    test::SessionScript script(*m_store, sessionId);
    *eventId = script.command(command, 0);
    return script.flush() ? sessionId : QString();
}

void TestReviewRedaction::redactsTheStoredTextAndRecordsTheReviewer()
{
    QString eventId;
    const QString sessionId = oneCommandSession("deploy --token hunter2", &eventId);
    QVERIFY(!sessionId.isEmpty());
    const chains::review::RedactionSpan span{eventId, QStringLiteral("command"), 15, 7, QStringLiteral("secret")};
    v1::Annotation stored;
    QString error;
    QVERIFY2(chains::review::addRedaction(*m_store, sessionId, QStringLiteral("ana"), span, &stored, &error),
             qPrintable(error));
    QVERIFY(storedCommand(*m_store, sessionId, eventId).find("hunter2") == std::string::npos);
    QCOMPARE(stored.reviewer(), std::string("ana"));
    QCOMPARE(QString::fromStdString(stored.target_id()), eventId);
    QCOMPARE(stored.redactions_size(), 1);
    QCOMPARE(stored.redactions(0).field(), std::string("command"));
    QCOMPARE(stored.redactions(0).reason(), std::string("secret"));

    const auto annotations = m_store->annotations(sessionId, &error);
    QVERIFY2(annotations, qPrintable(error));
    QCOMPARE(annotations->size(), 1);
    QCOMPARE(annotations->first().redactions_size(), 1);
}

void TestReviewRedaction::refusesAFieldTheEventDoesNotHave()
{
    QString eventId;
    const QString sessionId = oneCommandSession("deploy", &eventId);
    QVERIFY(!sessionId.isEmpty());
    QString error;
    const chains::review::RedactionSpan span{eventId, QStringLiteral("no_such_field"), 0, 1, {}};
    QVERIFY(!chains::review::addRedaction(*m_store, sessionId, QStringLiteral("ana"), span, nullptr, &error));
    QVERIFY(!error.isEmpty());
    const auto annotations = m_store->annotations(sessionId, &error);
    QVERIFY(annotations);
    QVERIFY(annotations->isEmpty());
}

QTEST_GUILESS_MAIN(TestReviewRedaction)
#include "TestReviewRedaction.moc"
