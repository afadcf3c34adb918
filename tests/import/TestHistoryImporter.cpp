// HistoryImporter in process, on history files and real SQLite stores in a temporary
// directory: which sessions the commands land in, that a re-import adds nothing, that a
// grown file adds only its new commands, and that secrets are redacted before storing.
#include "TestSupport.h"
#include "capture/import/HistoryImporter.h"
#include "capture/redact/Redactor.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <sqlite3.h>

using namespace trailmark;

namespace {

constexpr qint64 kSecondNs = 1'000'000'000;

bool writeFile(const QString& path, const QByteArray& bytes, QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile file(path);
    return file.open(mode) && file.write(bytes) == bytes.size();
}

QByteArray zshLine(qint64 epochSeconds, int durationSeconds, const QByteArray& command)
{
    return ": " + QByteArray::number(epochSeconds) + ':' + QByteArray::number(durationSeconds) + ';' + command + '\n';
}

QStringList commandsOf(store::Store& store, const QString& sessionId)
{
    QStringList commands;
    for (const v1::Event& event : test::eventsOf(store, sessionId)) {
        if (event.has_command_started())
            commands.append(QString::fromStdString(event.command_started().command()));
    }
    return commands;
}

qint64 totalEvents(store::Store& store)
{
    QString error;
    qint64 total = 0;
    for (const store::SessionSummary& summary : store.sessionSummaries(&error).value_or(QList<store::SessionSummary>()))
        total += summary.eventCount;
    return total;
}

} // namespace

class TestHistoryImporter final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<test::TempDatabase> m_database;
    std::unique_ptr<store::Store> m_store;
    capture::Redactor m_redactor;
    QString m_history;
    QList<capture::ImportProblem> m_problems;

    std::optional<capture::ImportSummary> import(capture::HistoryFormat format = capture::HistoryFormat::ZshHistory,
                                                 QString* error = nullptr)
    {
        capture::ImportOptions options;
        options.format = format;
        options.path = m_history;
        QString ignored;
        capture::HistoryImporter importer(*m_store, m_redactor);
        auto summary = importer.run(
            options, [this](const capture::ImportProblem& problem) { m_problems.append(problem); },
            error != nullptr ? error : &ignored);
        if (!summary && error == nullptr)
            qWarning("import: %s", qPrintable(ignored));
        return summary;
    }

private Q_SLOTS:
    void init()
    {
        m_database = std::make_unique<test::TempDatabase>();
        m_store = m_database->open();
        QVERIFY(m_store);
        m_history = QDir(m_database->directory()).filePath(QStringLiteral("zsh_history"));
        m_problems.clear();
    }
    void cleanup()
    {
        m_store.reset();
        m_database.reset();
    }

    void commandsInAnotherEncodingAreKeptByteForByte()
    {
        // A Latin-1 "café" and a stray byte: the shell hooks keep such commands as they
        // are, so the import does too (exports add the bytes' base64).
        m_history = QDir(m_database->directory()).filePath(QStringLiteral("bash_history"));
        QVERIFY(writeFile(m_history, "#1767261600\necho caf\xe9\n#1767261601\nls \xff\n#1767261602\npwd\n"));
        const auto summary = import(capture::HistoryFormat::BashHistory);
        QVERIFY(summary);
        QCOMPARE(summary->commands, 3);
        QVERIFY(m_problems.isEmpty());
        QList<std::string> stored;
        for (const v1::Event& event : test::eventsOf(*m_store, summary->sessionIds.first())) {
            if (event.has_command_started())
                stored.append(event.command_started().command());
        }
        QCOMPARE(stored, (QList<std::string>{"echo caf\xe9", "ls \xff", "pwd"}));
    }

    void commandsBecomeEventsOfAnImportSession()
    {
        QVERIFY(writeFile(m_history, zshLine(1767261600, 0, "cd ~/src") + zshLine(1767261605, 2, "git pull")));
        const auto summary = import();
        QVERIFY(summary);
        QCOMPARE(summary->commands, 2);
        QCOMPARE(summary->sessionsCreated, 1);
        QCOMPARE(summary->sessionIds.size(), 1);

        QString error;
        const auto session = m_store->session(summary->sessionIds.first(), &error);
        QVERIFY2(session, qPrintable(error));
        QCOMPARE(session->platform(), "import:zsh-history");
        QCOMPARE(QString::fromStdString(session->source()),
                 QStringLiteral("zsh-history:") + QFileInfo(m_history).canonicalFilePath());
        QCOMPARE(session->state(), v1::Session::STATE_FINISHED);
        QCOMPARE(session->started_ns(), 1767261600 * kSecondNs);
        QCOMPARE(session->ended_ns(), 1767261607 * kSecondNs); // the last command's end
        QVERIFY(QString::fromStdString(session->task()).contains(QLatin1String("2 command(s)")));

        const QList<v1::Event> events = test::eventsOf(*m_store, summary->sessionIds.first());
        QCOMPARE(events.size(), 4);
        QCOMPARE(events[2].command_started().command(), "git pull");
        QCOMPARE(events[2].command_started().shell(), "zsh");
        QCOMPARE(events[3].command_finished().command_id(), events[2].command_started().command_id());
        QCOMPARE(events[3].command_finished().duration_ns(), 2 * kSecondNs);
        QVERIFY(events[3].command_finished().exit_code_unknown()); // zsh does not record it
    }

    void reimportAddsNothing()
    {
        QVERIFY(writeFile(m_history,
                          zshLine(1767261600, 0, "ls") + zshLine(1767261601, 0, "ls") + zshLine(1767261601, 0, "ls")));
        const auto first = import();
        QVERIFY(first);
        QCOMPARE(first->commands, 3); // the same command twice in one second is two commands
        const qint64 events = totalEvents(*m_store);

        const auto second = import();
        QVERIFY(second);
        QCOMPARE(second->commands, 0);
        QCOMPARE(second->alreadyImported, 3);
        QCOMPARE(second->sessionsCreated, 0);
        QCOMPARE(second->sessionsContinued, 0);
        QCOMPARE(totalEvents(*m_store), events);
    }

    void aGrownFileAddsOnlyItsNewCommands_data()
    {
        QTest::addColumn<qint64>("pauseSeconds");
        QTest::addColumn<bool>("continued");
        QTest::newRow("short pause continues the session") << qint64(60) << true;
        QTest::newRow("exactly the idle gap") << qint64(30 * 60) << true;
        QTest::newRow("longer pause starts a new one") << qint64(30 * 60 + 1) << false;
    }
    void aGrownFileAddsOnlyItsNewCommands()
    {
        QFETCH(qint64, pauseSeconds);
        QFETCH(bool, continued);
        QVERIFY(writeFile(m_history, zshLine(1767261600, 0, "make")));
        const auto first = import();
        QVERIFY(first);
        QVERIFY(writeFile(m_history, zshLine(1767261600 + pauseSeconds, 0, "make install"),
                          QIODevice::WriteOnly | QIODevice::Append));
        const auto second = import();
        QVERIFY(second);
        QCOMPARE(second->commands, 1);
        QCOMPARE(second->alreadyImported, 1);
        QCOMPARE(second->sessionsContinued, continued ? 1 : 0);
        QCOMPARE(second->sessionsCreated, continued ? 0 : 1);
        QCOMPARE(second->sessionIds.first() == first->sessionIds.first(), continued);
        QCOMPARE(commandsOf(*m_store, second->sessionIds.first()),
                 continued ? QStringList({QStringLiteral("make"), QStringLiteral("make install")})
                           : QStringList({QStringLiteral("make install")}));
    }

    void aDeletedSessionIsNotContinued()
    {
        QVERIFY(writeFile(m_history, zshLine(1767261600, 0, "make")));
        QVERIFY(import());
        QVERIFY(store::sqliteExec(m_store->handle(), "DELETE FROM events; DELETE FROM sessions", nullptr));
        QVERIFY(writeFile(m_history, zshLine(1767261660, 0, "make install"), QIODevice::WriteOnly | QIODevice::Append));
        const auto again = import();
        QVERIFY(again);
        QCOMPARE(again->alreadyImported, 1); // its key stays: a deleted command is not brought back
        QCOMPARE(again->commands, 1);
        QCOMPARE(again->sessionsCreated, 1);
        QCOMPARE(commandsOf(*m_store, again->sessionIds.first()), QStringList{QStringLiteral("make install")});
    }

    void secretsAreRedactedAndOptOutsSkipped()
    {
        const QByteArray token = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
        QVERIFY(writeFile(m_history, zshLine(1767261600, 0, "export GITHUB_TOKEN=" + token) +
                                         zshLine(1767261601, 0, " echo private")));
        const auto summary = import();
        QVERIFY(summary);
        QCOMPARE(summary->commands, 1);
        QCOMPARE(summary->optedOut, 1);
        QVERIFY(summary->redactions >= 1);
        const QStringList commands = commandsOf(*m_store, summary->sessionIds.first());
        QCOMPARE(commands.size(), 1);
        QVERIFY2(!commands.first().contains(QLatin1String(token)), qPrintable(commands.first()));
        QVERIFY2(commands.first().contains(QLatin1String("[REDACTED:")), qPrintable(commands.first()));
        m_store.reset(); // the secret must not be anywhere in the file either
        for (const QString& suffix : {QString(), QStringLiteral("-wal")}) {
            QFile file(m_database->path() + suffix);
            if (file.open(QIODevice::ReadOnly))
                QVERIFY(!file.readAll().contains(token));
        }
    }

    void aDatabaseIsNotAZshHistory()
    {
        m_history = QDir(m_database->directory()).filePath(QStringLiteral("history.db"));
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(m_history).constData(), &db), SQLITE_OK);
        QVERIFY(store::sqliteExec(db, "CREATE TABLE history(id)", nullptr));
        sqlite3_close(db);
        QString error;
        QVERIFY(!import(capture::HistoryFormat::ZshHistory, &error));
        QVERIFY2(error.contains(QLatin1String("is an SQLite database")), qPrintable(error));
    }

    void atuinSessionsAreKeptApartAndContinued()
    {
        m_history = QDir(m_database->directory()).filePath(QStringLiteral("history.db"));
        QFile schema(QStringLiteral(TRAILMARK_FIXTURES "/atuin_schema.sql"));
        QVERIFY(schema.open(QIODevice::ReadOnly));
        const QByteArray rows = R"sql(
INSERT INTO history VALUES
 ('r1', 1767261600000000000, 1000, 0, 'cargo build', '/p', 'sess-a', 'laptop:alice', NULL),
 ('r2', 1767261605000000000, 1000, 1, 'docker ps', '/', 'sess-b', 'server:root', NULL),
 ('r3', 1767261610000000000, 1000, 0, 'cargo test', '/p', 'sess-a', 'laptop:alice', NULL);
)sql";
        sqlite3* db = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(m_history).constData(), &db), SQLITE_OK);
        QVERIFY(store::sqliteExec(db, QByteArray(schema.readAll() + rows).toStdString(), nullptr));
        const auto first = import(capture::HistoryFormat::Atuin);
        QVERIFY(first);
        QCOMPARE(first->commands, 3);
        QCOMPARE(first->sessionsCreated, 2);
        QCOMPARE(commandsOf(*m_store, first->sessionIds[0]),
                 QStringList({QStringLiteral("cargo build"), QStringLiteral("cargo test")}));
        QCOMPARE(commandsOf(*m_store, first->sessionIds[1]), QStringList{QStringLiteral("docker ps")});

        // atuin inserts: a new row of session b, hours later, still continues it.
        QVERIFY(store::sqliteExec(
            db,
            "INSERT INTO history VALUES ('r4', 1767290000000000000, 1000, 0, 'uptime', '/', 'sess-b', "
            "'server:root', NULL)",
            nullptr));
        sqlite3_close(db);
        const auto second = import(capture::HistoryFormat::Atuin);
        QVERIFY(second);
        QCOMPARE(second->commands, 1);
        QCOMPARE(second->alreadyImported, 3);
        QCOMPARE(second->sessionsContinued, 1);
        QCOMPARE(second->sessionIds, QStringList{first->sessionIds[1]});
        QCOMPARE(commandsOf(*m_store, first->sessionIds[1]),
                 QStringList({QStringLiteral("docker ps"), QStringLiteral("uptime")}));
    }
};

QTEST_GUILESS_MAIN(TestHistoryImporter)
#include "TestHistoryImporter.moc"
