// Store write benchmark: N command events through the real store path (Store +
// EventWriter: protobuf encoding, UUIDv7 ids, gapless seq, batched WAL commits), next
// to the sqlite3 C API inserting N rows of the same byte sizes in one transaction into
// the same table layout, in the same run. Prints events/s, the ratio, and bytes on
// disk per event.
//
//   bench_store [N]   (default 1,000,000)

#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace trailmark;

namespace {

const char* const kCommands[] = {
    "git status",       "make -j4 test",
    "ls -la src/",      "cd ../build",
    "vim src/main.cpp", "cargo build --release",
    "grep -rn TODO .",  "python3 -m pytest -x tests/test_api.py",
    "docker ps",        "git commit -am 'fix parser'",
};

// Shell hooks identify a command by "<shell pid>-<counter>", so ids are short.
v1::Event makeEvent(qint64 index, const std::string& sessionId)
{
    v1::Event event;
    event.set_session_id(sessionId);
    const std::string commandId = "48213-" + std::to_string(index / 2);
    if (index % 2 == 0) {
        auto* started = event.mutable_command_started();
        started->set_command_id(commandId);
        started->set_command(kCommands[(index / 2) % std::size(kCommands)]);
        started->set_cwd("/home/ada/src/trailmark");
        started->set_shell("bash");
        started->set_shell_session_id("bash-48213");
        started->set_shell_pid(48213);
    } else {
        auto* finished = event.mutable_command_finished();
        finished->set_command_id(commandId);
        finished->set_exit_code((index / 2) % 7 == 0 ? 1 : 0);
        finished->set_duration_ns(1'000'000 + (index % 1000) * 37'000);
    }
    return event;
}

qint64 databaseBytes(const QString& path)
{
    return QFileInfo(path).size() + QFileInfo(path + QStringLiteral("-wal")).size();
}

struct Result
{
    double seconds = 0;
    qint64 bytes = 0;
};

Result runTrailmark(const QString& path, qint64 count, std::vector<int>& payloadSizes)
{
    QString error;
    auto store = store::Store::open(path, store::Store::Access::ReadWrite, &error);
    if (!store) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        std::exit(1);
    }
    v1::Session session;
    session.set_task("benchmark");
    store->createSession(session, &error);
    payloadSizes.reserve(static_cast<size_t>(count));

    QElapsedTimer timer;
    timer.start();
    {
        store::EventWriter writer(*store);
        for (qint64 i = 0; i < count; ++i) {
            v1::Event event = makeEvent(i, session.id());
            if (!writer.append(event, &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                std::exit(1);
            }
        }
        writer.flush(&error);
    }
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;

    // Payload sizes for the reference, read back so both sides store identical sizes.
    store::SqliteStatement sizes(store->handle(), "SELECT length(payload) FROM events ORDER BY rowid");
    while (sizes.step())
        payloadSizes.push_back(static_cast<int>(sizes.columnInt(0)));
    store::sqliteExec(store->handle(), "PRAGMA wal_checkpoint(TRUNCATE)", nullptr);
    return {seconds, databaseBytes(path)};
}

Result runRawSqlite(const QString& path, const std::vector<int>& payloadSizes, bool withIndexes)
{
    sqlite3* db = nullptr;
    sqlite3_open(QFile::encodeName(path).constData(), &db);
    store::sqliteExec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr);
    store::sqliteExec(db,
                      "CREATE TABLE events (rowid INTEGER PRIMARY KEY, id BLOB NOT NULL, session INTEGER NOT NULL, "
                      "seq INTEGER NOT NULL, time_ns INTEGER NOT NULL, kind INTEGER NOT NULL, payload BLOB NOT NULL)",
                      nullptr);
    if (withIndexes)
        store::sqliteExec(db,
                          "CREATE UNIQUE INDEX events_by_id ON events(id);"
                          "CREATE UNIQUE INDEX events_by_session_seq ON events(session, seq);",
                          nullptr);
    std::vector<char> payload(4096, 'p');
    QByteArray id(16, '\0');
    QElapsedTimer timer;
    timer.start();
    store::sqliteExec(db, "BEGIN", nullptr);
    {
        store::SqliteStatement insert(
            db, "INSERT INTO events(id, session, seq, time_ns, kind, payload) VALUES(?,?,?,?,?,?)");
        const qint64 startNs = 1'767'225'600'000'000'000;
        for (size_t i = 0; i < payloadSizes.size(); ++i) {
            // Time-ordered 16-byte ids, like UUIDv7.
            const quint64 high = static_cast<quint64>(startNs / 1'000'000 + static_cast<qint64>(i / 64));
            for (int b = 0; b < 8; ++b)
                id[b] = static_cast<char>(high >> (56 - 8 * b));
            const quint64 low = QRandomGenerator::global()->generate64();
            for (int b = 0; b < 8; ++b)
                id[8 + b] = static_cast<char>(low >> (56 - 8 * b));
            insert.bindBlob(1, id.constData(), 16);
            insert.bind(2, 1);
            insert.bind(3, static_cast<std::int64_t>(i));
            insert.bind(4, startNs + static_cast<qint64>(i) * 1000);
            insert.bind(5, static_cast<std::int64_t>(12 + i % 2));
            insert.bindBlob(6, payload.data(), payloadSizes[i]);
            insert.exec();
        }
    }
    store::sqliteExec(db, "COMMIT", nullptr);
    const double seconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    store::sqliteExec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr);
    sqlite3_close(db);
    return {seconds, databaseBytes(path)};
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication application(argc, argv); // the writer's idle-commit timer needs one
    spdlog::set_level(spdlog::level::warn);
    const qint64 count = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
    QTemporaryDir directory;
    std::vector<int> payloadSizes;

    const Result ours = runTrailmark(directory.filePath(QStringLiteral("trailmark.db")), count, payloadSizes);
    const Result rawIndexed = runRawSqlite(directory.filePath(QStringLiteral("raw-indexed.db")), payloadSizes, true);
    const Result rawBare = runRawSqlite(directory.filePath(QStringLiteral("raw-bare.db")), payloadSizes, false);

    double payloadTotal = 0;
    for (int size : payloadSizes)
        payloadTotal += size;
    const auto rate = [count](const Result& result) {
        return static_cast<double>(count) / result.seconds;
    };
    std::printf("bench_store: %lld command events (start/finish pairs), mean payload %.1f bytes\n",
                static_cast<long long>(count), payloadTotal / static_cast<double>(count));
    std::printf("  trailmark store (batched, WAL)          %10.0f events/s  %6.1f bytes/event on disk\n", rate(ours),
                static_cast<double>(ours.bytes) / static_cast<double>(count));
    std::printf("  raw sqlite3, same table + indexes, 1 txn %9.0f rows/s    %6.1f bytes/row\n", rate(rawIndexed),
                static_cast<double>(rawIndexed.bytes) / static_cast<double>(count));
    std::printf("  raw sqlite3, bare table, 1 txn          %10.0f rows/s    %6.1f bytes/row\n", rate(rawBare),
                static_cast<double>(rawBare.bytes) / static_cast<double>(count));
    std::printf("  ratio trailmark / raw same layout: %.2f (target >= 0.5)\n", rate(ours) / rate(rawIndexed));
    std::printf("  ratio trailmark / raw bare table:  %.2f\n", rate(ours) / rate(rawBare));
    return 0;
}
