// End to end: `trailmark import` on fixtures of each format, read back with `sessions/show
// --json`; the database files are searched byte by byte for the fixtures' secrets.
#include "AtuinFixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

using namespace trailmark;
namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

struct Command
{
    QString text;
    QString cwd;
    QString exit; // "0", "101", "?" (unknown), "-" (no CommandFinished)
    QString duration;
};

QString fixture(const QString& name)
{
    return QStringLiteral(TRAILMARK_FIXTURES "/import/") + name;
}

// Builds a real atuin-shaped database from the SQL fixture.
bool createAtuinDatabase(const QString& path)
{
    QFile rows(fixture(QStringLiteral("atuin.sql")));
    return rows.open(QIODevice::ReadOnly) && test::executeSql(path, test::atuinSchema() + rows.readAll());
}

} // namespace

class TestImportCommand final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void importsEachFormat_data();
    void importsEachFormat();
    void grownFileAddsOnlyNewCommands();
    void gapOptionSplitsSessions();
    void atuinRecordsAreKnownWhereverTheFileIs();
    void olderAtuinWithoutDeletedAt();
    void importKeysCarryNoSecret();
    void leadingSpaceOptsOut();
    void deletedSessionIsStartedAgain();
    void userPatternsApply();
    void badInputFailsClearly_data();
    void badInputFailsClearly();

private:
    Run trailmark(const QStringList& arguments) const;
    QJsonArray sessions() const; // oldest first
    QList<Command> commandsOf(const QString& sessionId) const;
    QByteArray databaseBytes() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    QProcessEnvironment m_environment;
};

void TestImportCommand::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_db = m_dir->filePath(QStringLiteral("trailmark.db"));
    m_environment = QProcessEnvironment::systemEnvironment();
    // No redact.conf of the machine's user may change what the test sees.
    m_environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir->filePath(QStringLiteral("config")));
    m_environment.remove(QStringLiteral("TRAILMARK_DB"));
}

Run TestImportCommand::trailmark(const QStringList& arguments) const
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), m_db} + arguments);
    if (!process.waitForFinished(60'000))
        qWarning("trailmark did not finish");
    return {process.exitCode(), QString::fromUtf8(process.readAllStandardOutput()),
            QString::fromUtf8(process.readAllStandardError())};
}

QJsonArray TestImportCommand::sessions() const
{
    const Run run = trailmark({QStringLiteral("sessions"), QStringLiteral("--json")});
    QJsonArray list = QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("sessions")).toArray();
    QJsonArray oldestFirst;
    for (qsizetype i = list.size() - 1; i >= 0; --i)
        oldestFirst.append(list.at(i));
    return oldestFirst;
}

QList<Command> TestImportCommand::commandsOf(const QString& sessionId) const
{
    const Run run = trailmark({QStringLiteral("show"), sessionId, QStringLiteral("--json")});
    const QJsonArray events =
        QJsonDocument::fromJson(run.out.toUtf8()).object().value(QStringLiteral("events")).toArray();
    QList<Command> commands;
    QHash<QString, qsizetype> byId;
    for (const auto& value : events) {
        const QJsonObject event = value.toObject();
        const QString kind = event.value(QStringLiteral("kind")).toString();
        const QJsonObject body = event.value(kind).toObject();
        const QString id = body.value(QStringLiteral("command_id")).toString();
        if (kind == QLatin1String("command_started")) {
            byId.insert(id, commands.size());
            commands.append({body.value(QStringLiteral("command")).toString(),
                             body.value(QStringLiteral("cwd")).toString(), QStringLiteral("-"), QStringLiteral("-")});
        } else if (kind == QLatin1String("command_finished")) {
            Command& command = commands[byId.value(id)];
            command.exit = body.value(QStringLiteral("exit_code_unknown")).toBool()
                               ? QStringLiteral("?")
                               : QString::number(body.value(QStringLiteral("exit_code")).toInt());
            command.duration = body.value(QStringLiteral("duration_unknown")).toBool()
                                   ? QStringLiteral("?")
                                   : QString::number(body.value(QStringLiteral("duration_ns")).toDouble() / 1e9);
        }
    }
    return commands;
}

QByteArray TestImportCommand::databaseBytes() const
{
    QByteArray bytes;
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        QFile file(m_db + suffix);
        if (file.open(QIODevice::ReadOnly))
            bytes += file.readAll();
    }
    return bytes;
}

void TestImportCommand::importsEachFormat_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("task");
    QTest::addColumn<QList<int>>("commandsPerSession");
    // "command | cwd | exit | duration s", in session order, then seq.
    QTest::addColumn<QStringList>("commands");
    QTest::addColumn<QStringList>("problems");
    QTest::addColumn<QStringList>("secrets");

    QTest::newRow("zsh-history")
        << QStringLiteral("zsh-history") << QStringLiteral("zsh_history") << QString() << QList<int>{7, 2}
        << QStringList{QStringLiteral("cd ~/src/shop||?|0"),
                       QStringLiteral("git pull --rebase||?|2"),
                       QStringLiteral("export GITHUB_TOKEN=[REDACTED:github-token]||?|0"),
                       QStringLiteral("make test\n  || echo failed||?|45"),
                       QStringLiteral("mysql -u root -p[REDACTED:cli-password] shop -e 'select 1'||?|1"),
                       QStringLiteral("echo caf\uFFFD||?|0"), // Latin-1 "café", stored as it is
                       QStringLiteral("echo ă||?|0"),
                       QStringLiteral(
                           "git clone https://alice:[REDACTED:url-credentials]@git.example.com/shop.git||?|3"),
                       QStringLiteral("ls||?|0")}
        << QStringList{QStringLiteral("zsh_history:7: not a zsh extended history entry")}
        << QStringList{QStringLiteral("ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d"), QStringLiteral("S3cretPassw0rd"),
                       QStringLiteral("Hunter2Secret")};

    QTest::newRow("bash-history")
        << QStringLiteral("bash-history") << QStringLiteral("bash_history") << QStringLiteral("deploy the app")
        << QList<int>{6, 1}
        << QStringList{QStringLiteral("ls -la||?|?"),
                       QStringLiteral("cd /srv/app||?|?"),
                       QStringLiteral("PGPASSWORD=[REDACTED:secret-assignment] psql -h db app||?|?"),
                       QStringLiteral(
                           "for i in 1 2 3; do\n  curl -H \"Authorization: Bearer [REDACTED:authorization-header]\" "
                           "https://api.example.com/$i\ndone||?|?"),
                       QStringLiteral("echo \uFFFD\uFFFD||?|?"), // bytes FF FE, stored as they are
                       QStringLiteral("git status||?|?"),
                       QStringLiteral("sshpass -p '[REDACTED:cli-password]' ssh deploy@web1 uptime||?|?")}
        << QStringList{QStringLiteral("bash_history:12: timestamp without a command")}
        << QStringList{QStringLiteral("Tr0ub4dorAnd3"), QStringLiteral("abcdefghijklmnop1234"),
                       QStringLiteral("Xyzzy-Plugh-42")};

    QTest::newRow("atuin")
        << QStringLiteral("atuin") << QStringLiteral("history.db") << QString() << QList<int>{4, 4}
        << QStringList{QStringLiteral("cargo build|/home/alice/proj|0|1.2"),
                       QStringLiteral("cargo test|/home/alice/proj|101|30"),
                       QStringLiteral("export AWS_SECRET_ACCESS_KEY=[REDACTED:aws-secret-key]|/home/alice/proj|0|0.1"),
                       QStringLiteral("vim src/main.rs|/home/alice/proj|-|-"),
                       QStringLiteral("docker ps|/root|0|2"),
                       QStringLiteral("psql <<SQL\nselect 1;\nSQL|/root|1|0.5"),
                       QStringLiteral("echo \uFFFD|/root|0|0.001"), // byte FF, stored as it is
                       QStringLiteral("curl -u admin:[REDACTED:curl-user] https://internal.example.com/api|/root|0|1")}
        << QStringList{}
        << QStringList{QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), QStringLiteral("Sup3rS3cret")};
}

void TestImportCommand::importsEachFormat()
{
    QFETCH(QString, format);
    QFETCH(QString, file);
    QFETCH(QString, task);
    QFETCH(QList<int>, commandsPerSession);
    QFETCH(QStringList, commands);
    QFETCH(QStringList, problems);
    QFETCH(QStringList, secrets);

    // Copy into the temporary directory so the problems name a short relative path.
    const QString input = m_dir->filePath(file);
    if (format == QLatin1String("atuin"))
        QVERIFY(createAtuinDatabase(input));
    else
        QVERIFY(QFile::copy(fixture(file), input));
    QStringList arguments{QStringLiteral("import"), QStringLiteral("--format"), format, input};
    if (!task.isEmpty())
        arguments << QStringLiteral("--task") << task;

    const Run first = trailmark(arguments);
    QVERIFY2(first.exitCode == 0, qPrintable(first.err));
    QVERIFY2(first.out.contains(QStringLiteral("Imported %1 commands").arg(commands.size())), qPrintable(first.out));
    QVERIFY2(first.out.contains(QStringLiteral("into %1 new sessions").arg(commandsPerSession.size())),
             qPrintable(first.out));
    for (const QString& problem : problems)
        QVERIFY2(first.err.contains(QStringLiteral("trailmark import: ") + m_dir->path() + QLatin1Char('/') + problem),
                 qPrintable(first.err));
    QCOMPARE(first.err.count(QStringLiteral(", skipped")), problems.size());
    if (format == QLatin1String("atuin"))
        QVERIFY2(first.out.contains(QStringLiteral("deleted in atuin: 1")), qPrintable(first.out));

    const QJsonArray list = sessions();
    QCOMPARE(list.size(), commandsPerSession.size());
    QStringList seen;
    qint64 eventCount = 0;
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QJsonObject session = list.at(i).toObject();
        QCOMPARE(session.value(QStringLiteral("platform")).toString(), QStringLiteral("import:") + format);
        QCOMPARE(session.value(QStringLiteral("source")).toString(), format + QLatin1Char(':') + input);
        QCOMPARE(session.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        if (!task.isEmpty())
            QCOMPARE(session.value(QStringLiteral("task")).toString(), task);
        else
            QVERIFY(
                session.value(QStringLiteral("task")).toString().contains(QStringLiteral("command(s), imported from")));
        QVERIFY(session.value(QStringLiteral("ended_ns")).toInteger() >=
                session.value(QStringLiteral("started_ns")).toInteger());
        eventCount += session.value(QStringLiteral("event_count")).toInteger();
        const QList<Command> stored = commandsOf(session.value(QStringLiteral("id")).toString());
        QCOMPARE(stored.size(), commandsPerSession.at(i));
        for (const Command& command : stored)
            seen.append(QStringList{command.text, command.cwd, command.exit, command.duration}.join(QLatin1Char('|')));
    }
    QCOMPARE(seen, commands);
    if (format == QLatin1String("atuin")) {
        const QJsonObject laptop = list.at(0).toObject();
        QCOMPARE(laptop.value(QStringLiteral("host")).toString(), QStringLiteral("laptop"));
        QCOMPARE(laptop.value(QStringLiteral("expert")).toString(), QStringLiteral("alice"));
    }

    // No secret anywhere in the database files; the commands around them are there.
    const QByteArray bytes = databaseBytes();
    QVERIFY(bytes.contains("[REDACTED:"));
    QVERIFY(bytes.contains(commands.first().section(QLatin1Char('|'), 0, 0).toUtf8()));
    for (const QString& secret : secrets)
        QVERIFY2(!bytes.contains(secret.toUtf8()), qPrintable(secret));

    // Re-importing adds nothing.
    const Run again = trailmark(arguments);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("Imported 0 commands")), qPrintable(again.out));
    QVERIFY2(again.out.contains(QStringLiteral("already imported: %1").arg(commands.size())), qPrintable(again.out));
    const QJsonArray after = sessions();
    QCOMPARE(after.size(), list.size());
    qint64 eventCountAfter = 0;
    for (const auto& session : after)
        eventCountAfter += session.toObject().value(QStringLiteral("event_count")).toInteger();
    QCOMPARE(eventCountAfter, eventCount);
}

void TestImportCommand::grownFileAddsOnlyNewCommands()
{
    const QString input = m_dir->filePath(QStringLiteral("zsh_history"));
    QVERIFY(QFile::copy(fixture(QStringLiteral("zsh_history")), input));
    QFile::setPermissions(input, QFile::ReadOwner | QFile::WriteOwner);
    const QStringList arguments{QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("zsh-history"),
                                input};
    QCOMPARE(trailmark(arguments).exitCode, 0);

    QFile file(input);
    QVERIFY(file.open(QIODevice::Append));
    // One command 20 s after the last one (same session), one a day later (a new one).
    file.write(": 1767270030:0;git log -1\n: 1767360000:0;uptime\n");
    file.close();
    const Run grown = trailmark(arguments);
    QVERIFY2(grown.exitCode == 0, qPrintable(grown.err));
    QVERIFY2(grown.out.contains(QStringLiteral("Imported 2 commands")), qPrintable(grown.out));
    QVERIFY2(grown.out.contains(QStringLiteral("into 1 new sessions (and 1 earlier ones continued)")),
             qPrintable(grown.out));
    QVERIFY2(grown.out.contains(QStringLiteral("already imported: 9")), qPrintable(grown.out));
    const QJsonArray list = sessions();
    QCOMPARE(list.size(), 3);
    const QList<Command> continued = commandsOf(list.at(1).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(continued.size(), 3);
    QCOMPARE(continued.last().text, QStringLiteral("git log -1"));
    QCOMPARE(list.at(1).toObject().value(QStringLiteral("ended_ns")).toInteger(), 1767270030LL * 1'000'000'000);
    QCOMPARE(commandsOf(list.at(2).toObject().value(QStringLiteral("id")).toString()).size(), 1);
}

void TestImportCommand::gapOptionSplitsSessions()
{
    const QString input = fixture(QStringLiteral("zsh_history"));
    // The fixture has one long pause (2.3 h): a 1000-minute gap keeps everything in one
    // session (the default 30 makes two), a 1-minute gap still makes two.
    Run run = trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("zsh-history"),
                         QStringLiteral("--gap"), QStringLiteral("1000"), input});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("Imported 9 commands")), qPrintable(run.out));
    QCOMPARE(sessions().size(), 1);

    m_db = m_dir->filePath(QStringLiteral("other.db"));
    run = trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("zsh-history"),
                     QStringLiteral("--gap"), QStringLiteral("1"), input});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    // All other pauses are under 40 s: only the 2.3 h one splits.
    QCOMPARE(sessions().size(), 2);
}

void TestImportCommand::atuinRecordsAreKnownWhereverTheFileIs()
{
    // atuin's history ids are global: the same database copied elsewhere (a backup, a
    // second machine's sync) adds nothing.
    const QString first = m_dir->filePath(QStringLiteral("history.db"));
    QVERIFY(createAtuinDatabase(first));
    QCOMPARE(trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), first}).exitCode,
             0);
    const QString copy = m_dir->filePath(QStringLiteral("backup-history.db"));
    QVERIFY(QFile::copy(first, copy));
    const Run again = trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), copy});
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("Imported 0 commands")), qPrintable(again.out));
    QCOMPARE(sessions().size(), 2);
}

void TestImportCommand::olderAtuinWithoutDeletedAt()
{
    const QString path = m_dir->filePath(QStringLiteral("old-history.db"));
    QVERIFY(test::executeSql(path, "CREATE TABLE history (id text PRIMARY KEY, timestamp integer NOT NULL, duration "
                                   "integer NOT NULL, exit integer NOT NULL, command text NOT NULL, cwd text NOT NULL, "
                                   "session text NOT NULL, hostname text NOT NULL);"
                                   "INSERT INTO history VALUES ('a1', 1767261600000000000, 1000000, 2, 'make', "
                                   "'/src', 's1', 'box:bob');"));
    const Run run = trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), path});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    const QList<Command> stored = commandsOf(sessions().at(0).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.at(0).exit, QStringLiteral("2"));
}

void TestImportCommand::importKeysCarryNoSecret()
{
    // The key of a zsh/bash line is computed from its redacted text, so the database
    // holds nothing (not even a hash) that depends on the secret: the same line with
    // another password is the same record.
    const QString input = m_dir->filePath(QStringLiteral("zsh_history"));
    const auto write = [&](const QByteArray& line) {
        QFile file(input);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(line);
    };
    const QStringList arguments{QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("zsh-history"),
                                input};
    write(": 1767261600:0;mysql -u root -pFirstPassw0rd shop\n");
    QVERIFY(trailmark(arguments).out.contains(QStringLiteral("Imported 1 commands")));
    write(": 1767261600:0;mysql -u root -pOtherPassw0rd shop\n");
    const Run again = trailmark(arguments);
    QVERIFY2(again.out.contains(QStringLiteral("Imported 0 commands")), qPrintable(again.out));
    QVERIFY2(again.out.contains(QStringLiteral("already imported: 1")), qPrintable(again.out));
    write(": 1767261600:0;mysql -u admin -pFirstPassw0rd shop\n"); // a different command
    QVERIFY(trailmark(arguments).out.contains(QStringLiteral("Imported 1 commands")));
}

void TestImportCommand::deletedSessionIsStartedAgain()
{
    // Records already imported stay skipped, but new commands that would continue a
    // session that has since been deleted go to a new session instead of failing.
    const QString input = m_dir->filePath(QStringLiteral("history.db"));
    QVERIFY(createAtuinDatabase(input));
    const QStringList arguments{QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), input};
    QCOMPARE(trailmark(arguments).exitCode, 0);
    sqlite3* db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(m_db).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "DELETE FROM events WHERE session=(SELECT min(rowid) FROM sessions);"
                          "DELETE FROM sessions WHERE rowid=(SELECT min(rowid) FROM sessions);",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    QCOMPARE(sessions().size(), 1);
    QCOMPARE(sqlite3_open(QFile::encodeName(input).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "INSERT INTO history VALUES ('0194a1b2c3d47e8f9a0b1c2d3e4f5a10', 1767261700000000000, "
                          "1000000, 0, 'git push', '/home/alice/proj', '0194a1b2aaaa7000a000aaaaaaaaaaaa', "
                          "'laptop:alice', NULL);",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    const Run again = trailmark(arguments);
    QVERIFY2(again.exitCode == 0, qPrintable(again.err));
    QVERIFY2(again.out.contains(QStringLiteral("Imported 1 commands")), qPrintable(again.out));
    QVERIFY2(again.out.contains(QStringLiteral("into 1 new sessions")), qPrintable(again.out));
    QCOMPARE(sessions().size(), 2);
}

void TestImportCommand::leadingSpaceOptsOut()
{
    const QString input = m_dir->filePath(QStringLiteral("bash_history"));
    QFile file(input);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("#1767261600\n export VAULT_SEED=correct-horse-battery\n#1767261601\nls\n");
    file.close();
    const Run run =
        trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("bash-history"), input});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("Imported 1 commands")), qPrintable(run.out));
    QVERIFY2(run.out.contains(QStringLiteral("opted out:        1")), qPrintable(run.out));
    QVERIFY(!databaseBytes().contains("VAULT_SEED"));
}

void TestImportCommand::userPatternsApply()
{
    const QString config = m_dir->filePath(QStringLiteral("config/trailmark"));
    QVERIFY(QDir().mkpath(config));
    QFile rules(config + QStringLiteral("/redact.conf"));
    QVERIFY(rules.open(QIODevice::WriteOnly));
    rules.write("# tickets carry customer data\nticket = TCK-[0-9]{5}\n");
    rules.close();
    const QString input = m_dir->filePath(QStringLiteral("bash_history"));
    QFile history(input);
    QVERIFY(history.open(QIODevice::WriteOnly));
    history.write("#1767261600\njira view TCK-40213\n");
    history.close();
    const Run run =
        trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("bash-history"), input});
    QVERIFY2(run.exitCode == 0, qPrintable(run.err));
    QVERIFY2(run.out.contains(QStringLiteral("redactions:       1")), qPrintable(run.out));
    const QList<Command> stored = commandsOf(sessions().at(0).toObject().value(QStringLiteral("id")).toString());
    QCOMPARE(stored.value(0).text, QStringLiteral("jira view [REDACTED:ticket]"));
    QVERIFY(!databaseBytes().contains("TCK-40213"));

    // A broken pattern file stops the import and names the line.
    QVERIFY(rules.open(QIODevice::WriteOnly | QIODevice::Truncate));
    rules.write("ticket = TCK-[0-9\n");
    rules.close();
    const Run broken =
        trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("bash-history"), input});
    QCOMPARE(broken.exitCode, 1);
    QVERIFY2(broken.err.contains(QStringLiteral("redact.conf:1: rule 'ticket': invalid regular expression")),
             qPrintable(broken.err));
}

void TestImportCommand::badInputFailsClearly_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");
    const QString text = QStringLiteral(TRAILMARK_FIXTURES "/import/bash_history");
    QTest::newRow("no format") << QStringList{text} << 2 << QStringLiteral("--format is required");
    QTest::newRow("unknown format") << QStringList{QStringLiteral("--format"), QStringLiteral("fish"), text} << 2
                                    << QStringLiteral("unknown format 'fish'");
    QTest::newRow("no file") << QStringList{QStringLiteral("--format"), QStringLiteral("zsh-history")} << 2
                             << QStringLiteral("give exactly one FILE");
    QTest::newRow("missing file") << QStringList{QStringLiteral("--format"), QStringLiteral("zsh-history"),
                                                 QStringLiteral("/nonexistent/history")}
                                  << 1 << QStringLiteral("no such file: /nonexistent/history");
    QTest::newRow("text file as atuin") << QStringList{QStringLiteral("--format"), QStringLiteral("atuin"), text} << 1
                                        << QStringLiteral("is not an atuin history database");
    QTest::newRow("bad gap") << QStringList{QStringLiteral("--format"), QStringLiteral("zsh-history"),
                                            QStringLiteral("--gap"), QStringLiteral("0"), text}
                             << 2 << QStringLiteral("--gap needs a whole number of minutes");
}

void TestImportCommand::badInputFailsClearly()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);
    const Run run = trailmark(QStringList{QStringLiteral("import")} + arguments);
    QCOMPARE(run.exitCode, exitCode);
    QVERIFY2(run.err.contains(message), qPrintable(run.err));
}

QTEST_GUILESS_MAIN(TestImportCommand)
#include "TestImportCommand.moc"
