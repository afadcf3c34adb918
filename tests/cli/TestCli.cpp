#include "TestSupport.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sqlite3.h>

using namespace trailmark;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs the real trailmark binary, as a user or script would.
Run runTrailmark(const QStringList& arguments,
                 const QProcessEnvironment& environment = QProcessEnvironment::systemEnvironment())
{
    QProcess process;
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TRAILMARK_BINARY), arguments);
    if (!process.waitForFinished(60'000))
        qWarning("trailmark %s did not finish", qPrintable(arguments.join(QLatin1Char(' '))));
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

QJsonObject parseJson(const QByteArray& bytes)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("not JSON (%s): %s", qPrintable(error.errorString()), bytes.constData());
    return document.object();
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void versionNamesTheSchema();
    void helpListsOnlyWorkingCommands();
    void helpSeparatesEverySynopsisFromItsSummary();
    void initHelpGivesTheReadmesLine();
    void freshDatabaseWorksEverywhere();
    void databaseFromEnvironment();
    void showPrintsEventsAndAcceptsPrefixes();
    void verifyReportsAGarbagePayloadByEventId();
    void newerSchemaIsRefusedWithBothVersions();
    void usageErrorsExitWithTwo_data();
    void usageErrorsExitWithTwo();
};

void TestCli::versionNamesTheSchema()
{
    const Run run = runTrailmark({QStringLiteral("--version")});
    QCOMPARE(run.exitCode, 0);
    QVERIFY(run.out.startsWith("trailmark "));
    QVERIFY(run.out.contains(QByteArray("schema " + QByteArray::number(store::Store::kSchemaVersion))));
}

void TestCli::helpListsOnlyWorkingCommands()
{
    const Run run = runTrailmark({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    for (const char* command : {"sessions", "show", "verify"})
        QVERIFY2(run.out.contains(QByteArray(QByteArray("  ") + command)), command);
}

void TestCli::helpSeparatesEverySynopsisFromItsSummary()
{
    const Run run = runTrailmark({QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    const QByteArrayList lines = run.out.split('\n');
    // The long synopses (team, annotate) ran into their summaries: "...|exportthe team store".
    QVERIFY2(!run.out.contains("exportthe"), run.out.constData());
    const qsizetype commands = lines.indexOf("Commands:");
    const qsizetype options = lines.indexOf("Options:");
    QVERIFY(commands > 0 && options > commands);
    for (qsizetype i = commands + 1; i < options - 1; ++i) {
        const QByteArray& line = lines[i];
        // A command line: "  SYNOPSIS  SUMMARY", or a long synopsis alone with its summary
        // on the next line, indented to the summary column.
        QVERIFY2(line.startsWith("  "), line.constData());
        const bool summaryBelow = !line.mid(2).contains("  ");
        if (summaryBelow) {
            QVERIFY2(i + 1 < options - 1 && lines[i + 1].startsWith(QByteArray(38, ' ')), line.constData());
            ++i;
        }
    }
    QVERIFY(run.out.contains("team init|sessions|tasks|queue|claim|submit|export\n"));
}

void TestCli::initHelpGivesTheReadmesLine()
{
    // The line a new user copies records output too, wherever they read it (the Record
    // tab's is checked in test_main_window).
    QFile readme(QStringLiteral(TRAILMARK_SOURCE_DIR "/README.md"));
    QVERIFY(readme.open(QIODevice::ReadOnly));
    const QByteArray readmeText = readme.readAll();
    const Run run = runTrailmark({QStringLiteral("init"), QStringLiteral("--help")});
    QCOMPARE(run.exitCode, 0);
    for (const QByteArray& line : {QByteArray("eval \"$(trailmark init bash --capture-output)\""),
                                   QByteArray("trailmark init fish --capture-output | source")}) {
        QVERIFY2(readmeText.contains(line), line.constData());
        QVERIFY2(run.out.contains(line), run.out.constData());
    }
    QVERIFY2(!run.out.contains("eval \"$(trailmark init bash)\""), run.out.constData());
}

void TestCli::freshDatabaseWorksEverywhere()
{
    QTemporaryDir home;
    const QString path = home.filePath(QStringLiteral("nested/dir/trailmark.db"));
    const Run sessions =
        runTrailmark({QStringLiteral("--db"), path, QStringLiteral("sessions"), QStringLiteral("--json")});
    QCOMPARE(sessions.exitCode, 0);
    const QJsonObject json = parseJson(sessions.out);
    QCOMPARE(json.value(QStringLiteral("sessions")).toArray().size(), 0);
    QCOMPARE(json.value(QStringLiteral("database")).toString(), QFileInfo(path).absoluteFilePath());
    QCOMPARE(test::modeOf(path), 0600);
    QCOMPARE(test::modeOf(QFileInfo(path).path()), 0700);

    const Run verify = runTrailmark({QStringLiteral("--db"), path, QStringLiteral("verify")});
    QCOMPARE(verify.exitCode, 0);
    QVERIFY(verify.out.contains(": ok"));

    // verify on a database that does not exist yet creates an empty, valid one.
    const QString other = home.filePath(QStringLiteral("other.db"));
    QCOMPARE(runTrailmark({QStringLiteral("verify"), QStringLiteral("--db=") + other}).exitCode, 0);
    QVERIFY(QFileInfo::exists(other));
}

void TestCli::databaseFromEnvironment()
{
    QTemporaryDir home;
    const QString path = home.filePath(QStringLiteral("env.db"));
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_DB"), path);
    const Run run = runTrailmark({QStringLiteral("sessions"), QStringLiteral("--json")}, environment);
    QCOMPARE(run.exitCode, 0);
    QCOMPARE(parseJson(run.out).value(QStringLiteral("database")).toString(), path);
    QVERIFY(QFileInfo::exists(path));
}

void TestCli::showPrintsEventsAndAcceptsPrefixes()
{
    test::TempDatabase database;
    QString session;
    {
        auto store = database.open();
        session = test::createSession(*store, QStringLiteral("debug the build"));
        store::EventWriter writer(*store);
        QString error;
        v1::Event started;
        started.set_session_id(session.toStdString());
        started.mutable_command_started()->set_command("make\ttest");
        started.mutable_command_started()->set_cwd("/src/app");
        QVERIFY(writer.append(started, &error));
        v1::Event finished;
        finished.set_session_id(session.toStdString());
        finished.mutable_command_finished()->set_exit_code(2);
        QVERIFY(writer.append(finished, &error));
    }
    const Run text = runTrailmark({QStringLiteral("--db"), database.path(), QStringLiteral("show"), session.left(20)});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.out.contains("debug the build"));
    QVERIFY(text.out.contains("make\ttest"));
    QVERIFY(text.out.contains("exit 2"));

    const Run json = runTrailmark(
        {QStringLiteral("--db"), database.path(), QStringLiteral("show"), session, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonObject document = parseJson(json.out);
    QCOMPARE(document.value(QStringLiteral("session")).toObject().value(QStringLiteral("task")).toString(),
             QStringLiteral("debug the build"));
    const QJsonArray events = document.value(QStringLiteral("events")).toArray();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).toObject().value(QStringLiteral("kind")).toString(), QStringLiteral("command_started"));
    QCOMPARE(events.at(0)
                 .toObject()
                 .value(QStringLiteral("command_started"))
                 .toObject()
                 .value(QStringLiteral("cwd"))
                 .toString(),
             QStringLiteral("/src/app"));
    QCOMPARE(events.at(1).toObject().value(QStringLiteral("seq")).toInt(), 1);

    const Run missing =
        runTrailmark({QStringLiteral("--db"), database.path(), QStringLiteral("show"), QStringLiteral("ffffffff")});
    QCOMPARE(missing.exitCode, 1);
    QVERIFY(missing.err.contains("no session matches"));
}

void TestCli::verifyReportsAGarbagePayloadByEventId()
{
    test::TempDatabase database;
    QString badId;
    QString session;
    {
        auto store = database.open();
        session = test::createSession(*store, QStringLiteral("t"));
        store::EventWriter writer(*store);
        QString error;
        for (int i = 0; i < 3; ++i) {
            v1::Event event;
            event.set_session_id(session.toStdString());
            event.mutable_note()->set_text("note " + std::to_string(i));
            QVERIFY(writer.append(event, &error));
            if (i == 1)
                badId = QString::fromStdString(event.id());
        }
        QVERIFY(writer.flush(&error));
        QVERIFY(
            store::sqliteExec(store->handle(), "UPDATE events SET payload = x'ffffffff0102' WHERE seq = 1", nullptr));
    }
    const Run verify = runTrailmark({QStringLiteral("--db"), database.path(), QStringLiteral("verify")});
    QCOMPARE(verify.exitCode, 1);
    QVERIFY2(verify.out.contains(badId.toUtf8()), verify.out.constData());

    const Run json =
        runTrailmark({QStringLiteral("--db"), database.path(), QStringLiteral("verify"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 1);
    const QJsonObject report = parseJson(json.out);
    QCOMPARE(report.value(QStringLiteral("ok")).toBool(true), false);
    QCOMPARE(
        report.value(QStringLiteral("problems")).toArray().first().toObject().value(QStringLiteral("where")).toString(),
        badId);

    // The other events still show; the damaged one is marked, not hidden.
    const Run show = runTrailmark({QStringLiteral("--db"), database.path(), QStringLiteral("show"), session});
    QCOMPARE(show.exitCode, 0);
    QVERIFY(show.out.contains("note 0"));
    QVERIFY(show.out.contains("note 2"));
    QVERIFY(show.out.contains("unreadable"));
    QVERIFY(show.err.contains("trailmark verify"));
}

void TestCli::newerSchemaIsRefusedWithBothVersions()
{
    test::TempDatabase database;
    database.open();
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(database.path()).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "PRAGMA user_version=42", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    for (const char* command : {"sessions", "verify"}) {
        const Run run = runTrailmark({QStringLiteral("--db"), database.path(), QString::fromLatin1(command)});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains("schema version 42"), run.err.constData());
        QVERIFY2(run.err.contains(QByteArray("up to " + QByteArray::number(store::Store::kSchemaVersion))),
                 run.err.constData());
        QVERIFY(run.err.contains(database.path().toUtf8()));
    }
}

void TestCli::usageErrorsExitWithTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown command") << QStringList{QStringLiteral("fly")};
    QTest::newRow("show without session") << QStringList{QStringLiteral("show")};
    QTest::newRow("db without path") << QStringList{QStringLiteral("sessions"), QStringLiteral("--db")};
    QTest::newRow("stray argument") << QStringList{QStringLiteral("sessions"), QStringLiteral("extra")};
}

void TestCli::usageErrorsExitWithTwo()
{
    QFETCH(QStringList, arguments);
    QTemporaryDir home;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_DB"), home.filePath(QStringLiteral("t.db")));
    const Run run = runTrailmark(arguments, environment);
    QCOMPARE(run.exitCode, 2);
    QVERIFY(!run.err.isEmpty());
}

QTEST_GUILESS_MAIN(TestCli)
#include "TestCli.moc"
