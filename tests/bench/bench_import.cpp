// Benchmark of `trailmark import --format atuin` (issue 3, 7b), next to its reference
// measured in the same run: SQLite copying the same `history` table into a fresh
// database, once with INSERT ... SELECT over ATTACH (SQLite's fastest path) and once row
// by row with prepared statements. Also the Redactor's throughput on typical commands
// and on 64 KiB outputs.
//
//   bench_import [ROWS]     (default 1000000; the ctest smoke run uses a few thousand)
#include "capture/redact/Redactor.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <sqlite3.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const char* what, sqlite3* db)
{
    std::fprintf(stderr, "bench_import: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
    std::exit(1);
}

void exec(sqlite3* db, const char* sql)
{
    char* message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
        std::fprintf(stderr, "bench_import: %s\n  in: %.200s\n", message, sql);
        std::exit(1);
    }
}

// atuin's schema, kept once in tests/fixtures/atuin_schema.sql, split where its indexes
// begin: the generated history gets its rows before its indexes, as that is faster.
struct AtuinSchema
{
    std::string table;
    std::string indexes;
};

const AtuinSchema& atuinSchema()
{
    static const AtuinSchema schema = [] {
        QFile file(QStringLiteral(TRAILMARK_FIXTURES "/atuin_schema.sql"));
        if (!file.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "bench_import: cannot read %s\n", qPrintable(file.fileName()));
            std::exit(1);
        }
        const QByteArray text = file.readAll();
        const qsizetype split = text.indexOf("CREATE INDEX");
        if (split < 0) {
            std::fprintf(stderr, "bench_import: %s has no CREATE INDEX\n", qPrintable(file.fileName()));
            std::exit(1);
        }
        return AtuinSchema{text.left(split).toStdString(), text.mid(split).toStdString()};
    }();
    return schema;
}

sqlite3* openDb(const QString& path)
{
    sqlite3* db = nullptr;
    if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK)
        die("open", db);
    return db;
}

// A command line as people type them: a mix of short and long, some with paths and
// arguments, about 1 in 200 with a secret.
std::string typicalCommand(QRandomGenerator& random, qint64 row)
{
    static const char* const kCommands[] = {
        "ls -la",
        "cd ..",
        "git status",
        "git diff --stat",
        "make -j2",
        "ninja -C build",
        "vim src/main.cpp",
        "cargo test --workspace",
        "docker ps -a",
        "kubectl get pods -n staging",
        "python3 manage.py migrate",
        "grep -rn \"TODO\" src/",
        "ssh deploy@web1.example.com",
        "npm run build",
        "htop",
        "cat /etc/os-release",
        "journalctl -u nginx --since today",
        "tail -f /var/log/syslog",
        "find . -name '*.o' -delete",
        "git commit -m \"fix race in the session writer\"",
        "curl -s https://api.example.com/v1/health | jq .",
        "rsync -avz ./dist/ web1:/srv/app/",
        "pytest -x tests/test_api.py::test_login",
        "terraform plan -out plan",
    };
    static const char* const kSecrets[] = {
        "export GITHUB_TOKEN=ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d",
        "mysql -u root -pS3cretPassw0rd shop",
        "git clone https://alice:Hunter2Secret@git.example.com/shop.git",
    };
    if (random.bounded(200) == 0)
        return kSecrets[random.bounded(static_cast<int>(std::size(kSecrets)))];
    std::string command = kCommands[random.bounded(static_cast<int>(std::size(kCommands)))];
    command += " # " + std::to_string(row % 977); // keeps (timestamp, cwd, command) varied
    return command;
}

struct Figures
{
    double seconds = 0;
    double rowsPerSecond = 0;
};

Figures timed(qint64 rows, const std::function<void()>& work)
{
    QElapsedTimer timer;
    timer.start();
    work();
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    return {seconds, static_cast<double>(rows) / seconds};
}

void generateAtuinDatabase(const QString& path, qint64 rows)
{
    sqlite3* db = openDb(path);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;");
    exec(db, atuinSchema().table.c_str());
    exec(db, "BEGIN");
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(db, "INSERT INTO history VALUES(?,?,?,?,?,?,?,?,NULL)", -1, &insert, nullptr) != SQLITE_OK)
        die("prepare", db);
    QRandomGenerator random(42);
    qint64 time = 1'700'000'000'000'000'000;
    std::string session;
    for (qint64 row = 0; row < rows; ++row) {
        if (row % 250 == 0) // a new terminal every 250 commands
            session = QByteArray::number(random.generate64(), 16).rightJustified(32, '0').toStdString();
        time += 1'000'000'000LL + random.bounded(60'000) * 1'000'000LL;
        const std::string id = QByteArray::number(row, 16).rightJustified(32, '0').toStdString();
        const std::string command = typicalCommand(random, row);
        const std::string cwd = "/home/alice/src/project" + std::to_string(row % 13);
        const bool neverEnded = random.bounded(1000) == 0;
        sqlite3_bind_text(insert, 1, id.data(), static_cast<int>(id.size()), SQLITE_TRANSIENT);
        sqlite3_bind_int64(insert, 2, time);
        sqlite3_bind_int64(insert, 3, neverEnded ? -1 : random.bounded(5'000) * 1'000'000LL);
        sqlite3_bind_int64(insert, 4, neverEnded ? -1 : (random.bounded(20) == 0 ? 1 : 0));
        sqlite3_bind_text(insert, 5, command.data(), static_cast<int>(command.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 6, cwd.data(), static_cast<int>(cwd.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 7, session.data(), static_cast<int>(session.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 8, "laptop:alice", -1, SQLITE_STATIC);
        if (sqlite3_step(insert) != SQLITE_DONE)
            die("insert", db);
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    exec(db, "COMMIT");
    exec(db, atuinSchema().indexes.c_str());
    exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
    sqlite3_close(db);
}

// The reference: the same table with the same schema into a fresh database, configured
// as Trailmark configures its own (WAL, synchronous=NORMAL), in one transaction.
sqlite3* freshCopyTarget(const QString& path)
{
    sqlite3* db = openDb(path);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;");
    exec(db, atuinSchema().table.c_str());
    exec(db, atuinSchema().indexes.c_str());
    return db;
}

// For scale: the same rows into a bare table (no primary key, no unique constraint, no
// indexes), the cheapest write SQLite can do. Not the reference of the target: a copy of
// atuin's table has atuin's indexes, as Trailmark's events have theirs.
void copyIntoBareTable(const QString& source, const QString& target)
{
    sqlite3* db = openDb(target);
    exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-16384;");
    exec(db, "CREATE TABLE history (id, timestamp, duration, exit, command, cwd, session, hostname, deleted_at)");
    const std::string attach = "ATTACH DATABASE '" + source.toStdString() + "' AS src";
    exec(db, attach.c_str());
    exec(db, "BEGIN; INSERT INTO history SELECT * FROM src.history ORDER BY timestamp; COMMIT;");
    exec(db, "DETACH DATABASE src");
    sqlite3_close(db);
}

void copyWithInsertSelect(const QString& source, const QString& target)
{
    sqlite3* db = freshCopyTarget(target);
    const std::string attach = "ATTACH DATABASE '" + source.toStdString() + "' AS src";
    exec(db, attach.c_str());
    exec(db, "BEGIN; INSERT INTO history SELECT * FROM src.history ORDER BY timestamp; COMMIT;");
    exec(db, "DETACH DATABASE src");
    sqlite3_close(db);
}

void copyRowByRow(const QString& source, const QString& target)
{
    sqlite3* from = openDb(source);
    sqlite3* to = freshCopyTarget(target);
    sqlite3_stmt* select = nullptr;
    sqlite3_stmt* insert = nullptr;
    if (sqlite3_prepare_v2(from, "SELECT * FROM history ORDER BY timestamp", -1, &select, nullptr) != SQLITE_OK)
        die("prepare select", from);
    if (sqlite3_prepare_v2(to, "INSERT INTO history VALUES(?,?,?,?,?,?,?,?,?)", -1, &insert, nullptr) != SQLITE_OK)
        die("prepare insert", to);
    exec(to, "BEGIN");
    while (sqlite3_step(select) == SQLITE_ROW) {
        for (int column = 0; column < 9; ++column)
            sqlite3_bind_value(insert, column + 1, sqlite3_column_value(select, column));
        if (sqlite3_step(insert) != SQLITE_DONE)
            die("copy insert", to);
        sqlite3_reset(insert);
    }
    exec(to, "COMMIT");
    sqlite3_finalize(select);
    sqlite3_finalize(insert);
    sqlite3_close(from);
    sqlite3_close(to);
}

double megabytesPerSecond(const std::vector<std::string>& texts, int rounds,
                          const trailmark::capture::Redactor& redactor, qint64* redactions)
{
    qint64 bytes = 0;
    *redactions = 0;
    QElapsedTimer timer;
    timer.start();
    for (int round = 0; round < rounds; ++round) {
        for (const std::string& text : texts) {
            std::string copy = text;
            *redactions += redactor.redact(copy, "command", nullptr);
            bytes += static_cast<qint64>(text.size());
        }
    }
    return static_cast<double>(bytes) / 1e6 / (static_cast<double>(timer.nsecsElapsed()) / 1e9);
}

// 64 KiB of build and test output; with secretWords, lines also mention passwords,
// tokens and keys (without values), which wakes the generic rules up.
std::string output64k(bool secretWords)
{
    std::string out;
    QRandomGenerator random(7);
    int line = 0;
    while (out.size() < 64 * 1024) {
        ++line;
        out += "[" + std::to_string(line) + "/812] Building CXX object src/core/CMakeFiles/core.dir/module" +
               std::to_string(random.bounded(400)) + ".cpp.o\n";
        if (line % 7 == 0)
            out += "src/core/module.cpp:" + std::to_string(random.bounded(900)) +
                   ":13: warning: unused variable 'x' [-Wunused-variable]\n";
        if (secretWords && line % 5 == 0)
            out += "test_login (auth.tests) ... checking password policy, token refresh and api key rotation: ok\n";
    }
    out.resize(64 * 1024);
    return out;
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv);
    const qint64 rows = argc > 1 ? QByteArray(argv[1]).toLongLong() : 1'000'000;
    if (rows <= 0) {
        std::fprintf(stderr, "usage: bench_import [ROWS]\n");
        return 2;
    }
    QTemporaryDir dir;
    const QString atuin = dir.filePath(QStringLiteral("history.db"));
    std::printf("bench_import: %lld atuin rows (generating...)\n", static_cast<long long>(rows));
    std::fflush(stdout);
    generateAtuinDatabase(atuin, rows);

    // Reference first, so the file is equally warm in the page cache for both.
    const Figures insertSelect =
        timed(rows, [&] { copyWithInsertSelect(atuin, dir.filePath(QStringLiteral("copy1.db"))); });
    const Figures rowByRow = timed(rows, [&] { copyRowByRow(atuin, dir.filePath(QStringLiteral("copy2.db"))); });
    const Figures bare = timed(rows, [&] { copyIntoBareTable(atuin, dir.filePath(QStringLiteral("copy3.db"))); });

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), dir.filePath(QStringLiteral("config"))); // no user rules
    process.setProcessEnvironment(environment);
    QString importOutput;
    const Figures import = timed(rows, [&] {
        process.start(QStringLiteral(TRAILMARK_BINARY),
                      {QStringLiteral("--db"), dir.filePath(QStringLiteral("trailmark.db")), QStringLiteral("import"),
                       QStringLiteral("--format"), QStringLiteral("atuin"), atuin});
        process.waitForFinished(-1);
        importOutput = QString::fromUtf8(process.readAllStandardOutput());
    });
    if (process.exitCode() != 0 || !importOutput.contains(QStringLiteral("Imported %1 commands").arg(rows))) {
        std::fprintf(stderr, "bench_import: import failed (exit %d):\n%s%s\n", process.exitCode(),
                     qPrintable(importOutput), process.readAllStandardError().constData());
        return 1;
    }

    std::printf("\nimport of an atuin database, %lld rows (2 events per command, redacted, with import keys)\n",
                static_cast<long long>(rows));
    std::printf("  reference  sqlite INSERT...SELECT copy   %8.2f s  %10.0f rows/s\n", insertSelect.seconds,
                insertSelect.rowsPerSecond);
    std::printf("  reference  sqlite row-by-row copy        %8.2f s  %10.0f rows/s\n", rowByRow.seconds,
                rowByRow.rowsPerSecond);
    std::printf("  trailmark import --format atuin          %8.2f s  %10.0f rows/s\n", import.seconds,
                import.rowsPerSecond);
    std::printf("  for scale: INSERT...SELECT into a bare table without indexes  %10.0f rows/s\n", bare.rowsPerSecond);
    std::printf("  ratio import / INSERT...SELECT copy: %.2f   import / row-by-row copy: %.2f   (target >= 0.25)\n",
                import.rowsPerSecond / insertSelect.rowsPerSecond, import.rowsPerSecond / rowByRow.rowsPerSecond);
    std::printf("  ratio import / bare-table copy: %.2f\n", import.rowsPerSecond / bare.rowsPerSecond);

    // Redaction throughput.
    const trailmark::capture::Redactor redactor;
    QRandomGenerator random(9);
    std::vector<std::string> commands;
    for (int i = 0; i < 20'000; ++i)
        commands.push_back(typicalCommand(random, i));
    const std::vector<std::string> plainOutputs{output64k(false)};
    const std::vector<std::string> wordyOutputs{output64k(true)};
    const int outputRounds = rows >= 100'000 ? 200 : 10;
    qint64 redactions = 0;
    const double commandRate = megabytesPerSecond(commands, rows >= 100'000 ? 10 : 1, redactor, &redactions);
    const qint64 commandRedactions = redactions;
    const double plainRate = megabytesPerSecond(plainOutputs, outputRounds, redactor, &redactions);
    const double wordyRate = megabytesPerSecond(wordyOutputs, outputRounds, redactor, &redactions);
    // Reference: one precompiled regular expression (a literal) scanning the same bytes,
    // Latin-1 view included: what a single-rule redactor would cost.
    QRegularExpression single(QStringLiteral("ghp_[A-Za-z0-9]{36}"));
    single.optimize();
    QElapsedTimer timer;
    timer.start();
    qint64 scanned = 0;
    for (int round = 0; round < outputRounds; ++round) {
        const QString view =
            QString::fromLatin1(plainOutputs[0].data(), static_cast<qsizetype>(plainOutputs[0].size()));
        scanned += single.match(view).hasMatch() ? 1 : 0;
    }
    const double singleRate = static_cast<double>(plainOutputs[0].size()) * outputRounds / 1e6 /
                              (static_cast<double>(timer.nsecsElapsed()) / 1e9);
    const double commandBytes = [&] {
        double total = 0;
        for (const auto& command : commands)
            total += static_cast<double>(command.size());
        return total / static_cast<double>(commands.size());
    }();
    std::printf("\nredaction (%zu built-in rules)\n", redactor.rules().rules().size());
    std::printf("  typical commands (%.0f bytes avg)       %8.1f MB/s  %6.2f us/command (%lld redacted of %zu)\n",
                commandBytes, commandRate, commandBytes / commandRate, static_cast<long long>(commandRedactions),
                commands.size());
    std::printf("  64 KiB build output                     %8.1f MB/s  %6.2f ms/output\n", plainRate,
                65.536 / plainRate);
    std::printf("  64 KiB output naming password/token/key %8.1f MB/s  %6.2f ms/output\n", wordyRate,
                65.536 / wordyRate);
    std::printf("  reference: one regex over 64 KiB        %8.1f MB/s%s\n", singleRate, scanned < 0 ? "?" : "");
    return 0;
}
