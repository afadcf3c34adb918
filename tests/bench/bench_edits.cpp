// Benchmark of the file-edit source (issue 14), next to references measured in the same
// run:
//   - setting up watches on a work tree of N files (git repository, libgit2 deciding
//     what is ignored), against `find` walking the same tree;
//   - edit-to-stored latency: a file written in a watched tree until its FileEdit is
//     committed to a real SQLite session (median, p95), with the quiet period that
//     makes an editor's save dance one edit shown apart;
//   - the recorder's CPU while 10,000 files are written into an ignored directory, and
//     while 100 edits a second land in watched files, against the CPU of the process
//     writing them.
//
//   bench_edits [FILES]     (default 50000; the ctest smoke run uses a few thousand)
#include "TestSupport.h"
#include "capture/CaptureSource.h"
#include "capture/edit/EditSource.h"
#include "store/EventWriter.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace trailmark;

namespace {

bool run(const QString& directory, const QString& program, const QStringList& arguments, QByteArray* out = nullptr)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.start(program, arguments);
    if (!process.waitForFinished(600'000) || process.exitCode() != 0) {
        std::fprintf(stderr, "bench_edits: %s failed: %s\n", qPrintable(program),
                     process.readAllStandardError().constData());
        std::exit(1);
    }
    if (out)
        *out = process.readAllStandardOutput();
    return true;
}

// Stores into a real session and notes when each FileEdit was committed.
class TimingSink final : public capture::EventSink
{
public:
    TimingSink(store::Store& store, const QString& sessionId)
        : m_writer(store)
        , m_sessionId(sessionId.toStdString())
    {}
    bool record(v1::Event& event, QString* error) override
    {
        event.set_session_id(m_sessionId);
        if (!m_writer.append(event, error) || !m_writer.flush(error))
            return false;
        if (event.has_file_edit())
            stored.push_back(m_clock.nsecsElapsed());
        return true;
    }
    bool commit(QString* error) override { return m_writer.flush(error); }
    bool recordIngestPosition(const QString&, qint64, QString*) override { return true; }
    std::optional<qint64> ingestPosition(const QString&, QString*) override { return 0; }

    QElapsedTimer m_clock;
    std::vector<qint64> stored; // ns on m_clock

private:
    store::EventWriter m_writer;
    std::string m_sessionId;
};

qint64 percentile(std::vector<qint64> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.empty() ? 0 : values[std::min(values.size() - 1, static_cast<size_t>(p * values.size()))];
}

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        std::fprintf(stderr, "bench_edits: cannot write %s\n", qPrintable(path));
        std::exit(1);
    }
    file.write(bytes);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const int files = argc > 1 ? std::max(1000, std::atoi(argv[1])) : 50'000;
    QTemporaryDir work;
    const QString root = work.path() + QStringLiteral("/tree");

    // A work tree as a mid-sized project has: 100 files a directory, a .gitignore, one
    // commit (git's own index makes `git status` fast; we read none of it).
    const int perDirectory = 100;
    for (int d = 0; d < files / perDirectory; ++d) {
        const QString directory = root + QStringLiteral("/src/module%1").arg(d);
        QDir().mkpath(directory);
        for (int f = 0; f < perDirectory; ++f)
            writeFile(directory + QStringLiteral("/file%1.c").arg(f), "int value = 1;\n");
    }
    writeFile(root + QStringLiteral("/.gitignore"), "build/\n*.o\n");
    QDir().mkpath(root + QStringLiteral("/build"));
    run(root, QStringLiteral("git"), {QStringLiteral("init"), QStringLiteral("-q")});

    // find walking the same tree (twice: the first warms the dentry cache for both).
    QElapsedTimer timer;
    QByteArray listing;
    run(root, QStringLiteral("find"), {QStringLiteral("."), QStringLiteral("-type"), QStringLiteral("f")});
    timer.start();
    run(root, QStringLiteral("find"), {QStringLiteral("."), QStringLiteral("-type"), QStringLiteral("f")}, &listing);
    const double findMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;

    test::TempDatabase database;
    auto store = database.open();
    const QString sessionId = test::createSession(*store, QStringLiteral("bench edits"));
    TimingSink sink(*store, sessionId);
    capture::EditSourceOptions options;
    options.directories = {root};
    capture::EditSource source(options);
    QString error;
    timer.start();
    if (!source.start(sink, &error)) {
        std::fprintf(stderr, "bench_edits: %s\n", qPrintable(error));
        return 1;
    }
    const double watchMs = static_cast<double>(timer.nsecsElapsed()) / 1e6;
    std::printf("watch set-up, %d files in %d directories: %.1f ms (%d watches); find -type f: %.1f ms; ratio %.2f\n",
                files, files / perDirectory, watchMs, source.watchCount(), findMs, watchMs / findMs);

    // Edit-to-stored: one save at a time, each in another file, 30 of them.
    sink.m_clock.start();
    std::vector<qint64> latencies;
    for (int i = 0; i < 30; ++i) {
        const size_t before = sink.stored.size();
        const qint64 written = sink.m_clock.nsecsElapsed();
        writeFile(root + QStringLiteral("/src/module%1/file%2.c").arg(i % (files / perDirectory)).arg(i % perDirectory),
                  QByteArray("int value = ") + QByteArray::number(i + 2) + ";\n");
        QElapsedTimer wait;
        wait.start();
        while (sink.stored.size() == before && wait.elapsed() < 5000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 20);
        if (sink.stored.size() == before) {
            std::fprintf(stderr, "bench_edits: edit %d was never stored\n", i);
            return 1;
        }
        latencies.push_back(sink.stored.back() - written);
    }
    const double quietMs = static_cast<double>(options.quietPeriod.count());
    std::printf("edit-to-stored latency (30 saves): median %.1f ms, p95 %.1f ms; of which the quiet period "
                "%.0f ms, so %.1f ms / %.1f ms of work\n",
                static_cast<double>(percentile(latencies, 0.5)) / 1e6,
                static_cast<double>(percentile(latencies, 0.95)) / 1e6, quietMs,
                static_cast<double>(percentile(latencies, 0.5)) / 1e6 - quietMs,
                static_cast<double>(percentile(latencies, 0.95)) / 1e6 - quietMs);

    // 10,000 files into the ignored build/: the writer is a child process, so its CPU is
    // counted apart (RUSAGE_CHILDREN) from ours.
    const qint64 childrenBefore = test::cpuMicroseconds(true);
    qint64 selfBefore = test::cpuMicroseconds();
    run(root, QStringLiteral("/usr/bin/python3"),
        {QStringLiteral("-c"), QStringLiteral("import os\n"
                                              "for d in range(100):\n"
                                              "    os.makedirs(f'build/obj{d}', exist_ok=True)\n"
                                              "    for i in range(100):\n"
                                              "        open(f'build/obj{d}/f{i}.o', 'wb').write(b'x' * 4096)\n")});
    QTest::qWait(500);
    const qint64 ignoredSelf = test::cpuMicroseconds() - selfBefore;
    const qint64 ignoredWriter = test::cpuMicroseconds(true) - childrenBefore;
    std::printf("10,000 files written into an ignored directory: recorder CPU %.1f ms, the writer's %.1f ms; "
                "events stored %zu\n",
                static_cast<double>(ignoredSelf) / 1e3, static_cast<double>(ignoredWriter) / 1e3,
                sink.stored.size() - latencies.size());

    // 100 edits a second for 5 seconds, across 50 files (a formatter on save, a test
    // watcher): the recorder resolves and diffs each burst.
    const size_t storedBefore = sink.stored.size();
    selfBefore = test::cpuMicroseconds();
    QElapsedTimer paced;
    paced.start();
    for (int i = 0; i < 500; ++i) {
        writeFile(root + QStringLiteral("/src/module1/file%1.c").arg(i % 50),
                  QByteArray("int value = ") + QByteArray::number(i) + ";\nint other = 2;\n");
        const qint64 due = static_cast<qint64>(i + 1) * 10;
        if (paced.elapsed() < due)
            QTest::qWait(static_cast<int>(due - paced.elapsed())); // sleeps, serving events
    }
    const double seconds = static_cast<double>(paced.elapsed()) / 1e3;
    QTest::qWait(2500); // the last bursts are resolved and stored
    const qint64 editsSelf = test::cpuMicroseconds() - selfBefore;
    std::printf("100 edits/s for %.1f s into 50 watched files: recorder CPU %.1f ms (%.1f%% of a core, the writes "
                "themselves included), %zu events stored\n",
                seconds, static_cast<double>(editsSelf) / 1e3, static_cast<double>(editsSelf) / 1e4 / (seconds + 2.5),
                sink.stored.size() - storedBefore);
    source.stop();
    return 0;
}
