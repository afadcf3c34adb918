#include "TestSupport.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"
#include "store/Uuid.h"
#include "store/Verifier.h"

#include <QTest>

using namespace trailmark;

namespace {

// A store with two sessions of five command events each.
QStringList fillStore(store::Store& store)
{
    QStringList sessions{test::createSession(store, QStringLiteral("one")),
                         test::createSession(store, QStringLiteral("two"))};
    store::EventWriter writer(store);
    QString error;
    for (int i = 0; i < 10; ++i) {
        v1::Event event;
        event.set_session_id(sessions.at(i % 2).toStdString());
        event.mutable_command_started()->set_command("make -j2 " + std::to_string(i));
        if (!writer.append(event, &error))
            qWarning("%s", qPrintable(error));
    }
    writer.flush(&error);
    return sessions;
}

bool hasProblem(const store::VerifyReport& report, const QString& what, const QString& where)
{
    for (const auto& problem : report.problems)
        if (problem.what == what && (where.isEmpty() || problem.where == where))
            return true;
    return false;
}

} // namespace

class TestVerifier final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanDatabasePasses();
    void garbagePayloadIsReportedAndOthersStillRead();
    void kindMismatchIsReported();
    void sequenceGapIsReported();
    void danglingReferencesAreReported();
    void tamperedBlobIsReported();
    void missingBlobIsNamedWithSessionAndSeq();
};

void TestVerifier::cleanDatabasePasses()
{
    test::TempDatabase database;
    auto store = database.open();
    fillStore(*store);
    QString error;
    QVERIFY(store->putBlob("image", QStringLiteral("image/png"), &error));
    const store::VerifyReport report = store::Verifier(*store).run();
    QVERIFY(report.isClean());
    QCOMPARE(report.sessions, 2);
    QCOMPARE(report.events, 10);
    QCOMPARE(report.blobs, 1);
}

void TestVerifier::garbagePayloadIsReportedAndOthersStillRead()
{
    test::TempDatabase database;
    auto store = database.open();
    const QStringList sessions = fillStore(*store);
    // Overwrite one payload with bytes that are not a protobuf message.
    store::SqliteStatement select(store->handle(), "SELECT id FROM events WHERE seq = 2 AND session = 1");
    QVERIFY(select.step());
    const QByteArray badId = select.columnBlob(0);
    store::SqliteStatement corrupt(store->handle(), "UPDATE events SET payload = ? WHERE id = ?");
    corrupt.bind(1, QByteArray("\xff\xff\xff\xff garbage \x07", 14));
    corrupt.bind(2, badId);
    QVERIFY(corrupt.exec());

    const store::VerifyReport report = store::Verifier(*store).run();
    QCOMPARE(report.problems.size(), 1);
    QCOMPARE(report.problems.first().what, QStringLiteral("payload"));
    QCOMPARE(report.problems.first().where, store::uuid::toText(badId));

    QString error;
    QList<store::StoredEvent> events;
    QVERIFY(store->readEvents(
        sessions.first(), 0, -1,
        [&](const store::StoredEvent& stored) {
            events.append(stored);
            return true;
        },
        &error));
    QCOMPARE(events.size(), 5);
    for (const auto& stored : events) {
        QCOMPARE(stored.isReadable(), stored.event.seq() != 2);
        if (stored.isReadable())
            QVERIFY(stored.event.has_command_started());
    }
    QCOMPARE(QString::fromStdString(events.at(2).event.id()), store::uuid::toText(badId));
}

void TestVerifier::kindMismatchIsReported()
{
    test::TempDatabase database;
    auto store = database.open();
    fillStore(*store);
    QVERIFY(store::sqliteExec(store->handle(), "UPDATE events SET kind = 14 WHERE seq = 0 AND session = 2", nullptr));
    const store::VerifyReport report = store::Verifier(*store).run();
    QCOMPARE(report.problems.size(), 1);
    QVERIFY(report.problems.first().detail.contains(QLatin1String("does not match")));
}

void TestVerifier::sequenceGapIsReported()
{
    test::TempDatabase database;
    auto store = database.open();
    const QStringList sessions = fillStore(*store);
    QVERIFY(store::sqliteExec(store->handle(), "DELETE FROM events WHERE seq = 3 AND session = 2", nullptr));
    const store::VerifyReport report = store::Verifier(*store).run();
    QVERIFY(hasProblem(report, QStringLiteral("sequence"), sessions.at(1)));
    QCOMPARE(report.problems.size(), 1);
}

void TestVerifier::danglingReferencesAreReported()
{
    test::TempDatabase database;
    auto store = database.open();
    const QStringList sessions = fillStore(*store);
    v1::Annotation annotation;
    annotation.set_session_id(sessions.first().toStdString());
    annotation.set_target_id(store::uuid::toText(store->newId()).toStdString()); // no such event
    QString error;
    QVERIFY(store->addAnnotation(annotation, &error));
    QVERIFY(
        store::sqliteExec(store->handle(), "UPDATE events SET session = 99 WHERE seq = 4 AND session = 1", nullptr));
    const store::VerifyReport report = store::Verifier(*store).run();
    QVERIFY(hasProblem(report, QStringLiteral("reference"), QString::fromStdString(annotation.id())));
    QVERIFY(hasProblem(report, QStringLiteral("reference"), QString()));
}

void TestVerifier::tamperedBlobIsReported()
{
    test::TempDatabase database;
    auto store = database.open();
    QString error;
    const auto key = store->putBlob("original screenshot", QStringLiteral("image/png"), &error);
    QVERIFY(key);
    QVERIFY(store::sqliteExec(store->handle(), "UPDATE blobs SET bytes = x'00'", nullptr));
    const store::VerifyReport report = store::Verifier(*store).run();
    QVERIFY(hasProblem(report, QStringLiteral("blob"), QString::fromLatin1(key->toHex())));
}

void TestVerifier::missingBlobIsNamedWithSessionAndSeq()
{
    test::TempDatabase database;
    auto store = database.open();
    const QString session = test::createSession(*store, QStringLiteral("pictures"));
    QString error;
    const auto stored = store->putBlob("keyframe bytes", QStringLiteral("image/png"), &error);
    QVERIFY2(stored, qPrintable(error));
    const QByteArray missing(32, '\x5a');
    store::EventWriter writer(*store);
    const auto append = [&](v1::Event event) {
        event.set_session_id(session.toStdString());
        QVERIFY2(writer.append(event, &error), qPrintable(error));
    };
    v1::Event action; // seq 0: its keyframe is stored
    action.mutable_gui_action()->set_keyframe_sha256(stored->toStdString());
    append(action);
    v1::Event command; // seq 1
    command.mutable_command_started()->set_command("ls");
    append(command);
    v1::Event screenshot; // seq 2: its picture is not
    screenshot.mutable_screenshot()->set_sha256(missing.toStdString());
    append(screenshot);
    QVERIFY2(writer.flush(&error), qPrintable(error));

    const store::VerifyReport report = store::Verifier(*store).run();
    QCOMPARE(report.problems.size(), 1);
    const store::VerifyProblem& problem = report.problems.first();
    QCOMPARE(problem.what, QStringLiteral("reference"));
    QString screenshotEvent;
    QVERIFY(store->readEvents(
        session, 2, 1,
        [&](const store::StoredEvent& event) {
            screenshotEvent = QString::fromStdString(event.event.id());
            return true;
        },
        &error));
    QCOMPARE(problem.where, screenshotEvent);
    QVERIFY2(problem.detail.contains(QStringLiteral("seq 2 of session %1").arg(session)), qPrintable(problem.detail));
    QVERIFY2(problem.detail.contains(QString::fromLatin1(missing.toHex())), qPrintable(problem.detail));
    QVERIFY2(problem.detail.contains(QStringLiteral("Screenshot.sha256")), qPrintable(problem.detail));

    // The keyframe that is stored is no problem: without the screenshot, all is clean.
    QVERIFY(store::sqliteExec(store->handle(), "DELETE FROM events WHERE seq = 2", nullptr));
    QVERIFY(store::Verifier(*store).run().isClean());
}

QTEST_GUILESS_MAIN(TestVerifier)
#include "TestVerifier.moc"
