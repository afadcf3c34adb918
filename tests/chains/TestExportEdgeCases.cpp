#include "ExportCliFixture.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

#include <sqlite3.h>

using namespace trailmark;

// `trailmark export` of sessions that test its limits, each in a database of its own: a
// reviewer's redactions, rows too large for the disk, a damaged event, an imported history.
class TestExportEdgeCases final : public ExportCliFixture
{
    Q_OBJECT

private Q_SLOTS:
    void reviewerRedactionsReachNoFile();
    void writeFailureStopsEveryThreadAndKeepsTheOldExport();
    void unreadableEventsAreSkippedAndReported();
    void importedMessyHistoryExportsAndIsMarked();
};

void TestExportEdgeCases::reviewerRedactionsReachNoFile()
{
    test::TempDatabase database;
    QString sessionId;
    {
        auto store = database.open();
        QVERIFY(store);
        sessionId = test::createSession(*store, QStringLiteral("call the API"));
        test::SessionScript script(*store, sessionId);
        const QString started =
            script.command("curl -H 'X-Api-Key: sk-live-4242' https://api", 0, "welcome sk-live-4242\n");
        QVERIFY(script.flush());
        v1::Annotation annotation;
        annotation.set_session_id(sessionId.toStdString());
        annotation.set_target_id(started.toStdString());
        annotation.set_reviewer("rita");
        for (const auto& [field, offset] : {std::pair{"command", 20}, std::pair{"output_head", 8}}) {
            auto* span = annotation.add_redactions();
            span->set_field(field);
            span->set_offset(offset);
            span->set_length(12);
            span->set_reason("secret");
        }
        QString error;
        QVERIFY2(store->addAnnotation(annotation, &error), qPrintable(error));
    }
    const QString folder = m_outputs.filePath(QStringLiteral("redacted"));
    const Result result = trailmark(
        {QStringLiteral("export"), QStringLiteral("--format=all"), QStringLiteral("--out"), folder}, database.path());
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto files = test::filesUnder(folder);
    QVERIFY(!files.isEmpty());
    bool sawMarker = false;
    for (auto it = files.cbegin(); it != files.cend(); ++it) {
        QVERIFY2(!it.value().contains("sk-live-4242"), qPrintable(it.key()));
        sawMarker = sawMarker || it.value().contains("[REDACTED:secret]");
    }
    QVERIFY(sawMarker);
}

// A file that cannot grow (here: a file-size limit, so write() fails with EFBIG the way
// it fails with ENOSPC on a full disk) stops the export on whichever thread hits it: a
// clear message naming the file, the previous export left as it was, no partial folder.
void TestExportEdgeCases::writeFailureStopsEveryThreadAndKeepsTheOldExport()
{
    // Sessions whose rows outgrow the limit many times over (the SQLite files do not
    // grow: an export only reads).
    const QString database = m_outputs.filePath(QStringLiteral("too-large.db"));
    {
        QString error;
        auto store = store::Store::open(database, store::Store::Access::ReadWrite, &error);
        QVERIFY2(store, qPrintable(error));
        const QByteArray log = QByteArray("compiling module 0042 of 0100 with -O2 ... ok\n").repeated(24);
        for (int s = 0; s < 4; ++s) {
            test::SessionScript script(*store, test::createSession(*store, QStringLiteral("build %1").arg(s)));
            for (int c = 0; c < 60; ++c)
                script.command("make -j2 module" + QByteArray::number(c), c % 7 == 3 ? 2 : 0, log);
            QVERIFY(script.flush());
        }
    }
    const QString folder = m_outputs.filePath(QStringLiteral("too-large"));
    const QString formats = QStringLiteral("--format=agent-chain,openai,reasoning");
    QCOMPARE(trailmark({QStringLiteral("export"), formats, QStringLiteral("--out"), folder}, database).exitCode, 0);
    const auto before = test::filesUnder(folder);
    QVERIFY(before.value(QStringLiteral("agent_chain/train.jsonl")).size() > 256 * 1024);
    for (const char* threads : {"1", "3"}) {
        QProcess process;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("TRAILMARK_EXPORT_THREADS"), QLatin1String(threads));
        process.setProcessEnvironment(environment);
        // bash: an ignored SIGXFSZ stays ignored across exec, so write() returns EFBIG;
        // ulimit -f counts KiB (SQLite's 32 KiB shared-memory file must fit).
        process.start(QStringLiteral("bash"),
                      {QStringLiteral("-c"), QStringLiteral("trap '' XFSZ; ulimit -f 64; exec \"$@\""),
                       QStringLiteral("bash"), QStringLiteral(TRAILMARK_BINARY), QStringLiteral("--db"), database,
                       QStringLiteral("export"), formats, QStringLiteral("--out"), folder, QStringLiteral("--force")});
        QVERIFY(process.waitForFinished(120'000));
        const QString err = QString::fromUtf8(process.readAllStandardError());
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QVERIFY2(process.exitCode() == 1, qPrintable(err));
        QVERIFY2(err.contains(QStringLiteral("cannot write")) && err.contains(QStringLiteral("train.jsonl")) &&
                     err.contains(QStringLiteral("File too large")),
                 qPrintable(err));
        QCOMPARE(test::filesUnder(folder), before);
        const QStringList leftovers =
            QDir(m_outputs.path()).entryList({QStringLiteral("too-large.partial*")}, QDir::AllEntries | QDir::Hidden);
        QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
    }
}

void TestExportEdgeCases::unreadableEventsAreSkippedAndReported()
{
    test::TempDatabase database;
    {
        auto store = database.open();
        QVERIFY(store);
        test::createMessySession(*store);
        // The goal note (seq 0) is damaged on disk.
        QVERIFY(store::sqliteExec(store->handle(), "UPDATE events SET payload = x'ffff' WHERE seq = 0", nullptr));
    }
    const QString folder = m_outputs.filePath(QStringLiteral("damaged"));
    const Result result = trailmark(
        {QStringLiteral("export"), QStringLiteral("--format=all"), QStringLiteral("--out"), folder}, database.path());
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("1 unreadable event(s) skipped")), qPrintable(result.err));
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_PYTHON),
                  {QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/validate_export.py"), folder,
                   QStringLiteral("--sessions"), QStringLiteral("1"), QStringLiteral("--steps"), QStringLiteral("11"),
                   QStringLiteral("--events"), QStringLiteral("18"), QStringLiteral("--protoc"),
                   QStringLiteral(TRAILMARK_PROTOC)});
    QVERIFY(process.waitForFinished(120'000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardOutput().constData());
}

void TestExportEdgeCases::importedMessyHistoryExportsAndIsMarked()
{
    // The whole path a user takes: an atuin history (real SQLite file, atuin's schema)
    // through `trailmark import`, then `trailmark export` of every format.
    QTemporaryDir work;
    const QString atuin = work.filePath(QStringLiteral("history.db"));
    {
        QFile schema(QStringLiteral(TRAILMARK_FIXTURES "/atuin_schema.sql"));
        QFile rows(QStringLiteral(TRAILMARK_FIXTURES "/chains/messy_atuin.sql"));
        QVERIFY(schema.open(QIODevice::ReadOnly) && rows.open(QIODevice::ReadOnly));
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(atuin).constData(), &db), SQLITE_OK);
        const int executed =
            sqlite3_exec(db, QByteArray(schema.readAll() + rows.readAll()).constData(), nullptr, nullptr, nullptr);
        sqlite3_close(db);
        QCOMPARE(executed, SQLITE_OK);
    }
    const QString database = work.filePath(QStringLiteral("trailmark.db"));
    Result result =
        trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), atuin}, database);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err + result.out));
    const QString folder = work.filePath(QStringLiteral("export"));
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format=all"), QStringLiteral("--out"), folder},
                       database);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("(3 errors, 2 retries, 2 recoveries)")), qPrintable(result.err));

    QProcess process;
    process.start(QStringLiteral(TRAILMARK_PYTHON),
                  {QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/validate_export.py"), folder,
                   QStringLiteral("--sessions"), QStringLiteral("2"), QStringLiteral("--steps"), QStringLiteral("9"),
                   QStringLiteral("--events"), QStringLiteral("18"), QStringLiteral("--protoc"),
                   QStringLiteral(TRAILMARK_PROTOC)});
    QVERIFY(process.waitForFinished(120'000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardOutput().constData());

    // Marked as a reviewer would: the re-run after the edit and the fixed typo are
    // retries that recover; the second `make` is a deliberate re-run; the failure in
    // the other shell stands alone.
    QFile chain(folder + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chain.open(QIODevice::ReadOnly));
    QStringList marks;
    while (!chain.atEnd()) {
        const QJsonObject row = QJsonDocument::fromJson(chain.readLine()).object();
        QString mark = row.value(QStringLiteral("command")).toString() + QLatin1Char(':') +
                       row.value(QStringLiteral("outcome")).toString();
        if (!row.value(QStringLiteral("retry_of")).isNull())
            mark += QStringLiteral("/r%1").arg(row.value(QStringLiteral("retry_of")).toInt());
        if (!row.value(QStringLiteral("recovers")).isNull())
            mark += QStringLiteral("/rec%1").arg(row.value(QStringLiteral("recovers")).toInt());
        marks.append(mark);
    }
    QCOMPARE(marks, (QStringList{
                        QStringLiteral("pytest tests/test_parser.py:error"),
                        QStringLiteral("vim parser.py:ok"),
                        QStringLiteral("pytest tests/test_parser.py:ok/r0/rec0"),
                        QStringLiteral("make:ok"),
                        QStringLiteral("make:ok"),
                        QStringLiteral("gti push:error"),
                        QStringLiteral("git push:ok/r5/rec5"),
                        QStringLiteral("ls -la:ok"),
                        QStringLiteral("make deploy:error"),
                    }));
}

QTEST_GUILESS_MAIN(TestExportEdgeCases)
#include "TestExportEdgeCases.moc"
