// AtuinHistoryReader on real SQLite files shaped like atuin's (tests/fixtures/
// atuin_schema.sql): what each row becomes, the order, deleted and broken rows, old
// databases without deleted_at, and files that are not atuin databases at all.
#include "AtuinFixture.h"
#include "capture/import/AtuinHistoryReader.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

namespace {

// A copy of a visited command: the reader's byte arrays are only lent to the visitor.
struct Row
{
    QByteArray command, cwd, recordId, shellSession, hostUser;
    qint64 startNs = 0, durationNs = 0, line = 0;
    std::optional<int> exitCode;
};

struct Reading
{
    bool ok = false;
    QString error;
    qint64 deleted = -1;
    QList<Row> rows;
    QList<capture::ImportProblem> problems;
};

Reading readAll(const QString& path, int stopAfter = -1)
{
    Reading reading;
    const capture::CommandVisitor onCommand = [&](const capture::ImportedCommand& command, QString* error) {
        if (reading.rows.size() == stopAfter) {
            *error = QStringLiteral("stopped");
            return false;
        }
        reading.rows.append({QByteArray(command.command.constData(), command.command.size()),
                             QByteArray(command.cwd.constData(), command.cwd.size()),
                             QByteArray(command.recordId.constData(), command.recordId.size()),
                             QByteArray(command.shellSession.constData(), command.shellSession.size()),
                             QByteArray(command.hostUser.constData(), command.hostUser.size()), command.startNs,
                             command.durationNs, command.line, command.exitCode});
        return true;
    };
    const capture::ProblemVisitor onProblem = [&](const capture::ImportProblem& problem) {
        reading.problems.append(problem);
    };
    reading.ok = capture::AtuinHistoryReader::read(path, onCommand, onProblem, &reading.deleted, &reading.error);
    return reading;
}

} // namespace

class TestAtuinHistoryReader final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_path;
    int m_files = 0;

private Q_SLOTS:
    void init() { m_path = m_dir.filePath(QStringLiteral("history-%1.db").arg(++m_files)); }

    void rowsBecomeCommandsInTimeOrder()
    {
        QVERIFY(test::executeSql(m_path, test::atuinSchema() + R"sql(
INSERT INTO history VALUES
 ('id-late', 3000, 20, 1, 'make test', '/src', 'sess-a', 'laptop:alice', NULL),
 ('id-early', 1000, 5, 0, 'cd /src', '/home', 'sess-a', 'laptop:alice', NULL),
 ('id-running', 2000, -1, 0, 'vim notes', '/src', 'sess-b', 'server:root', NULL);
)sql"));
        const Reading reading = readAll(m_path);
        QVERIFY2(reading.ok, qPrintable(reading.error));
        QCOMPARE(reading.rows.size(), 3);
        QCOMPARE(reading.rows[0].recordId, QByteArray("id-early"));
        QCOMPARE(reading.rows[1].recordId, QByteArray("id-running"));
        QCOMPARE(reading.rows[2].recordId, QByteArray("id-late"));

        const Row& early = reading.rows[0];
        QCOMPARE(early.command, QByteArray("cd /src"));
        QCOMPARE(early.cwd, QByteArray("/home"));
        QCOMPARE(early.startNs, 1000);
        QCOMPARE(early.durationNs, 5);
        QCOMPARE(early.exitCode, std::optional<int>(0));
        QCOMPARE(early.shellSession, QByteArray("sess-a"));
        QCOMPARE(early.hostUser, QByteArray("laptop:alice"));
        QCOMPARE(early.line, 2); // its rowid
        QCOMPARE(reading.rows[2].exitCode, std::optional<int>(1));
        // Never ended: no duration and no exit status, whatever the exit column says.
        QCOMPARE(reading.rows[1].durationNs, -1);
        QCOMPARE(reading.rows[1].exitCode, std::nullopt);
        QCOMPARE(reading.deleted, 0);
        QVERIFY(reading.problems.isEmpty());
    }

    void deletedRowsAreCountedNotReturned()
    {
        QVERIFY(test::executeSql(m_path, test::atuinSchema() + R"sql(
INSERT INTO history VALUES
 ('kept', 1000, 5, 0, 'ls', '/', 's', 'h:u', NULL),
 ('gone', 2000, 5, 0, 'echo secret', '/', 's', 'h:u', 1767261600000000000);
)sql"));
        const Reading reading = readAll(m_path);
        QVERIFY(reading.ok);
        QCOMPARE(reading.deleted, 1);
        QCOMPARE(reading.rows.size(), 1);
        QCOMPARE(reading.rows[0].recordId, QByteArray("kept"));
    }

    void brokenRowsAreReportedAndSkipped_data()
    {
        QTest::addColumn<QByteArray>("values");
        QTest::addColumn<QString>("problem");
        QTest::newRow("empty command") << QByteArray("('bad', 1000, 5, 0, '', '/', 's', 'h:u', NULL)")
                                       << QStringLiteral("empty command");
        QTest::newRow("no timestamp") << QByteArray("('bad', 0, 5, 0, 'ls', '/', 's', 'h:u', NULL)")
                                      << QStringLiteral("no valid timestamp");
        QTest::newRow("cwd not UTF-8") << QByteArray(
                                              "('bad', 1000, 5, 0, 'ls', CAST(X'2fc0' AS TEXT), 's', 'h:u', NULL)")
                                       << QStringLiteral("cwd, session or hostname is not valid UTF-8");
    }
    void brokenRowsAreReportedAndSkipped()
    {
        QFETCH(QByteArray, values);
        QFETCH(QString, problem);
        QVERIFY(test::executeSql(m_path, test::atuinSchema() + "INSERT INTO history VALUES " + values +
                                             ", ('good', 5000, 5, 0, 'pwd', '/', 's', 'h:u', NULL);"));
        const Reading reading = readAll(m_path);
        QVERIFY2(reading.ok, qPrintable(reading.error));
        QCOMPARE(reading.rows.size(), 1);
        QCOMPARE(reading.rows[0].recordId, QByteArray("good"));
        QCOMPARE(reading.problems.size(), 1);
        QCOMPARE(reading.problems[0].line, 1);
        QCOMPARE(reading.problems[0].message, QStringLiteral("row 1 (id bad): %1").arg(problem));
    }

    void commandInAnotherEncodingIsKept()
    {
        // "echo caf\xe9" (Latin-1): the hooks would have kept these bytes, so the import does.
        QVERIFY(test::executeSql(m_path, test::atuinSchema() + R"sql(
INSERT INTO history VALUES ('latin', 1000, 5, 0, CAST(X'6563686f20636166e9' AS TEXT), '/', 's', 'h:u', NULL);
)sql"));
        const Reading reading = readAll(m_path);
        QVERIFY2(reading.ok, qPrintable(reading.error));
        QVERIFY(reading.problems.isEmpty());
        QCOMPARE(reading.rows.size(), 1);
        QCOMPARE(reading.rows[0].command, QByteArray("echo caf\xe9"));
    }

    void databaseWithoutDeletedAtIsRead()
    {
        QVERIFY(test::executeSql(m_path, R"sql(
CREATE TABLE history (id text PRIMARY KEY, timestamp integer NOT NULL, duration integer NOT NULL,
    exit integer NOT NULL, command text NOT NULL, cwd text NOT NULL, session text NOT NULL,
    hostname text NOT NULL);
INSERT INTO history VALUES ('old', 1000, 5, 2, 'make', '/', 's', 'h:u');
)sql"));
        const Reading reading = readAll(m_path);
        QVERIFY2(reading.ok, qPrintable(reading.error));
        QCOMPARE(reading.rows.size(), 1);
        QCOMPARE(reading.rows[0].exitCode, std::optional<int>(2));
        QCOMPARE(reading.deleted, 0);
    }

    void theVisitorCanStopTheReading()
    {
        QVERIFY(test::executeSql(m_path, test::atuinSchema() + R"sql(
INSERT INTO history VALUES ('a', 1000, 5, 0, 'one', '/', 's', 'h:u', NULL),
 ('b', 2000, 5, 0, 'two', '/', 's', 'h:u', NULL), ('c', 3000, 5, 0, 'three', '/', 's', 'h:u', NULL);
)sql"));
        const Reading reading = readAll(m_path, 1);
        QVERIFY(!reading.ok);
        QCOMPARE(reading.error, QStringLiteral("stopped"));
        QCOMPARE(reading.rows.size(), 1);
    }

    void filesThatAreNotAtuinDatabases_data()
    {
        QTest::addColumn<QByteArray>("sql"); // null: no file at all
        QTest::addColumn<QString>("errorPart");
        QTest::newRow("missing") << QByteArray() << QStringLiteral("no atuin database at");
        QTest::newRow("other tables") << QByteArray("CREATE TABLE notes(text);")
                                      << QStringLiteral("is not an atuin history database");
    }
    void filesThatAreNotAtuinDatabases()
    {
        QFETCH(QByteArray, sql);
        QFETCH(QString, errorPart);
        if (!sql.isNull())
            QVERIFY(test::executeSql(m_path, sql));
        const Reading reading = readAll(m_path);
        QVERIFY(!reading.ok);
        QVERIFY2(reading.error.contains(errorPart), qPrintable(reading.error));
        QVERIFY(reading.rows.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAtuinHistoryReader)
#include "TestAtuinHistoryReader.moc"
