#include "EditSourceFixture.h"
#include "TestSupport.h"
#include "capture/edit/EditSource.h"
#include "trailmark/v1/event.pb.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <vector>

using namespace trailmark;
using namespace trailmark::test;

class TestEditSource final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void vimSaveIsOneEdit_data();
    void vimSaveIsOneEdit();
    void sedInPlaceIsTheCommandsEffect();
    void pythonWritesAndAtomicRename();
    void checkoutOf200FilesIsOneEvent();
    void ignoredBuildOutputIsNotRecorded();
    void envFileContentIsWithheld();
    void binaryAndHugeRewritesAreNoEdits();
    void deletedAndRenamedFiles();
    void directoryCreatedWhileRecording();
    void untrackedFileDiffsAgainstWhatWasSeen();
    void editsInAnEditorWhileACommandRuns();
    void aCommandWhoseEndWasLostEndsWithTheNextInItsShell();
    void excludedDirectoryIsNotWatched();
    void exhaustedWatchLimitSaysSoOnce();

private:
    void startIn(const QString& directory, capture::EditSourceOptions options = {});

    std::unique_ptr<QTemporaryDir> m_directory;
    QString m_root;
    CollectingSink m_sink;
    std::unique_ptr<capture::EditSource> m_source;
};

void TestEditSource::init()
{
    m_directory = std::make_unique<QTemporaryDir>();
    m_root = m_directory->path() + QStringLiteral("/project");
    QDir().mkpath(m_root);
    makeRepository(m_root);
    m_sink.events.clear();
}

void TestEditSource::cleanup()
{
    if (m_source)
        m_source->stop();
    m_source.reset();
    m_directory.reset();
}

void TestEditSource::startIn(const QString& directory, capture::EditSourceOptions options)
{
    options.directories.append(directory);
    m_source = std::make_unique<capture::EditSource>(options);
    QString error;
    QVERIFY2(m_source->start(m_sink, &error), qPrintable(error));
}

void TestEditSource::vimSaveIsOneEdit_data()
{
    // Debian's vim as people run it: swap file, backup file renamed aside and back
    // (writebackup), and the 4913 probe before writing in a directory.
    QTest::addColumn<QString>("settings");
    QTest::newRow("defaults") << QStringLiteral("set nocompatible");
    QTest::newRow("backup and swap") << QStringLiteral("set backup writebackup swapfile backupcopy=no");
    QTest::newRow("backupcopy=yes") << QStringLiteral("set backup backupcopy=yes");
}

void TestEditSource::vimSaveIsOneEdit()
{
    QFETCH(QString, settings);
    startIn(m_root);
    run(m_root, QStringLiteral("vim"),
        {QStringLiteral("-es"), QStringLiteral("-N"), QStringLiteral("-u"), QStringLiteral("NONE"),
         QStringLiteral("-i"), QStringLiteral("NONE"), QStringLiteral("-c"), settings, QStringLiteral("-c"),
         QStringLiteral("%s/int n = fread(buf, 1, size, f);/size_t n = fread(buf, 1, (size_t)size, f);/"),
         QStringLiteral("-c"), QStringLiteral("wq"), QStringLiteral("src/io.c")});
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    const v1::FileEdit& edit = edits.front();
    QCOMPARE(edit.changes_size(), 1);
    QCOMPARE(edit.changes(0).path(), std::string("src/io.c"));
    QCOMPARE(edit.changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(!edit.changes(0).baseline_unknown()); // diffed against the committed blob
    QCOMPARE(QFile::decodeName(QByteArray::fromStdString(edit.work_tree())), m_root);
    const QByteArray diff = QByteArray::fromStdString(edit.diff());
    QVERIFY2(diff.contains("--- a/src/io.c\n+++ b/src/io.c\n"), diff.constData());
    QVERIFY2(diff.contains("\n-    int n = fread(buf, 1, size, f);\n"), diff.constData());
    QVERIFY2(diff.contains("\n+    size_t n = fread(buf, 1, (size_t)size, f);\n"), diff.constData());
    QVERIFY(!diff.contains("4913") && !diff.contains(".swp") && !diff.contains("io.c~"));
    QCOMPARE(edit.command_id(), std::string());
}

void TestEditSource::sedInPlaceIsTheCommandsEffect()
{
    startIn(m_root);
    const QString command = QStringLiteral("sed -i 's/Reads files/Reads files and sockets/' README.md src/io.c");
    m_source->observe(commandStarted("cmd-sed", command, m_root));
    run(m_root, QStringLiteral("sed"),
        {QStringLiteral("-i"), QStringLiteral("s/Reads files/Reads files and sockets/"), QStringLiteral("README.md"),
         QStringLiteral("src/io.c")});
    m_source->observe(commandFinished("cmd-sed"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_sink.edits().empty(), 5000);
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    QCOMPARE(edits.front().command_id(), std::string("cmd-sed"));
    QVERIFY(edits.front().command_effects());
    // Only README.md changed; sed rewrote io.c with the same bytes.
    QCOMPARE(edits.front().changes_size(), 1);
    QCOMPARE(edits.front().changes(0).path(), std::string("README.md"));
    QCOMPARE(edits.front().changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(QByteArray::fromStdString(edits.front().diff()).contains("+Reads files and sockets.\n"));
}

void TestEditSource::pythonWritesAndAtomicRename()
{
    startIn(m_root);
    run(m_root, QStringLiteral("/usr/bin/python3"),
        {QStringLiteral("-c"), QStringLiteral("open('README.md', 'a').write('Written by a script.\\n')")});
    settle(*m_source);
    run(m_root, QStringLiteral("/usr/bin/python3"),
        {QStringLiteral("-c"),
         QStringLiteral(
             "import os, tempfile\n"
             "fd, tmp = tempfile.mkstemp(dir='src', prefix='.io.c.', suffix='.tmp')\n"
             "os.write(fd, open('src/io.c').read().replace('return n;', 'return n < 0 ? -1 : n;').encode())\n"
             "os.close(fd)\n"
             "os.replace(tmp, 'src/io.c')\n")});
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(2));
    QCOMPARE(edits[0].changes(0).path(), std::string("README.md"));
    QCOMPARE(edits[0].changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(QByteArray::fromStdString(edits[0].diff()).contains("+Written by a script.\n"));
    // The rename over io.c is a change of io.c; the temp file was never there.
    QCOMPARE(edits[1].changes_size(), 1);
    QCOMPARE(edits[1].changes(0).path(), std::string("src/io.c"));
    QCOMPARE(edits[1].changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(QByteArray::fromStdString(edits[1].diff()).contains("+    return n < 0 ? -1 : n;\n"));
}

void TestEditSource::checkoutOf200FilesIsOneEvent()
{
    for (int i = 0; i < 200; ++i)
        writeFile(m_root + QStringLiteral("/gen/file%1.txt").arg(i, 3, 10, QLatin1Char('0')), "version 1\n");
    run(m_root, QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")});
    run(m_root, QStringLiteral("git"), {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("v1")});
    run(m_root, QStringLiteral("git"), {QStringLiteral("checkout"), QStringLiteral("-qb"), QStringLiteral("v2")});
    for (int i = 0; i < 200; ++i)
        writeFile(m_root + QStringLiteral("/gen/file%1.txt").arg(i, 3, 10, QLatin1Char('0')), "version 2\n");
    run(m_root, QStringLiteral("git"), {QStringLiteral("commit"), QStringLiteral("-qam"), QStringLiteral("v2")});
    run(m_root, QStringLiteral("git"), {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")});

    startIn(m_root);
    m_source->observe(commandStarted("cmd-checkout", QStringLiteral("git checkout v2"), m_root));
    run(m_root, QStringLiteral("git"), {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("v2")});
    m_source->observe(commandFinished("cmd-checkout"));
    QTRY_VERIFY_WITH_TIMEOUT(!m_sink.edits().empty(), 5000);
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    const v1::FileEdit& edit = edits.front();
    QCOMPARE(edit.command_id(), std::string("cmd-checkout"));
    QVERIFY(edit.command_effects());
    QCOMPARE(edit.files_changed(), 200u);
    QCOMPARE(edit.changes_size(), 100); // the listing is capped; the count is not
    QCOMPARE(edit.changes(0).path(), std::string("gen/file000.txt"));
    QVERIFY(QByteArray::fromStdString(edit.diff()).contains("-version 1\n+version 2\n"));
    QVERIFY(edit.diff().size() <= 256u * 1024u);
}

void TestEditSource::ignoredBuildOutputIsNotRecorded()
{
    QDir().mkpath(m_root + QStringLiteral("/build"));
    startIn(m_root);
    const int watchesBefore = m_source->watchCount();
    const qint64 cpuBefore = trailmark::test::cpuMicroseconds();
    // A build writing 10,000 files into the ignored directory (in a child process, so
    // the CPU counted below is the recorder's alone).
    run(m_root, QStringLiteral("/usr/bin/python3"),
        {QStringLiteral("-c"), QStringLiteral("import os\n"
                                              "for d in range(100):\n"
                                              "    os.makedirs(f'build/obj{d}', exist_ok=True)\n"
                                              "    for i in range(100):\n"
                                              "        open(f'build/obj{d}/f{i}.o', 'wb').write(b'\\x7fELF' * 64)\n")});
    QTest::qWait(500);
    const qint64 cpuUsed = trailmark::test::cpuMicroseconds() - cpuBefore;
    settle(*m_source);
    QVERIFY(m_sink.edits().empty());
    QCOMPARE(m_source->watchCount(), watchesBefore); // build/ and its 100 new directories unwatched
    // The recorder slept through it: no events reach it from an unwatched directory.
    QVERIFY2(cpuUsed < 200'000, qPrintable(QStringLiteral("recorder CPU %1 µs").arg(cpuUsed)));
}

void TestEditSource::envFileContentIsWithheld()
{
    writeFile(m_root + QStringLiteral("/.env"), "DATABASE_URL=postgres://app:hunter2@db/app\n");
    startIn(m_root);
    writeFile(m_root + QStringLiteral("/.env"),
              "DATABASE_URL=postgres://app:hunter2@db/app\nSTRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n");
    writeFile(m_root + QStringLiteral("/config/.env.production"), "SECRET_KEY_BASE=9f8e7d6c5b4a\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(2));
    for (const auto& event : m_sink.events) {
        const std::string bytes = event.SerializeAsString();
        QVERIFY(bytes.find("hunter2") == std::string::npos);
        QVERIFY(bytes.find("sk_live_") == std::string::npos);
        QVERIFY(bytes.find("9f8e7d6c5b4a") == std::string::npos);
    }
    QCOMPARE(edits[0].changes(0).path(), std::string(".env"));
    QVERIFY(edits[0].changes(0).content_withheld());
    QCOMPARE(edits[0].changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(edits[0].diff().empty());
    QCOMPARE(edits[1].changes(0).path(), std::string("config/.env.production"));
    QCOMPARE(edits[1].changes(0).kind(), v1::FileChange::KIND_CREATED);
    QVERIFY(edits[1].changes(0).content_withheld());
}

void TestEditSource::binaryAndHugeRewritesAreNoEdits()
{
    QByteArray png("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
    writeFile(m_root + QStringLiteral("/logo.png"), png);
    writeFile(m_root + QStringLiteral("/data/fixtures.json"), QByteArray(2 << 20, 'x'));
    startIn(m_root);
    // Rewritten in place: a regenerated image, a fixture over the size cap.
    writeFile(m_root + QStringLiteral("/logo.png"), png + QByteArray(64, '\0'));
    writeFile(m_root + QStringLiteral("/data/fixtures.json"), QByteArray(2 << 20, 'y'));
    // A new binary file is still an action, listed without content; so is a text edit.
    writeFile(m_root + QStringLiteral("/icon.png"), png);
    writeFile(m_root + QStringLiteral("/README.md"), "# demo\n");
    settle(*m_source);
    QStringList seen;
    for (const auto& edit : m_sink.edits()) {
        for (const auto& change : edit.changes())
            seen.append(QString::fromStdString(change.path()) +
                        (change.binary() ? QStringLiteral(" binary") : QString()));
    }
    seen.sort();
    QCOMPARE(seen, (QStringList{QStringLiteral("README.md"), QStringLiteral("icon.png binary")}));
}

void TestEditSource::deletedAndRenamedFiles()
{
    startIn(m_root);
    QVERIFY(QFile::remove(m_root + QStringLiteral("/README.md")));
    settle(*m_source);
    run(m_root, QStringLiteral("mv"), {QStringLiteral("src/io.c"), QStringLiteral("src/file_io.c")});
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(2));
    QCOMPARE(edits[0].changes(0).path(), std::string("README.md"));
    QCOMPARE(edits[0].changes(0).kind(), v1::FileChange::KIND_DELETED);
    QVERIFY(QByteArray::fromStdString(edits[0].diff()).contains("-Reads files.\n"));
    QCOMPARE(edits[1].changes(0).kind(), v1::FileChange::KIND_RENAMED);
    QCOMPARE(edits[1].changes(0).old_path(), std::string("src/io.c"));
    QCOMPARE(edits[1].changes(0).path(), std::string("src/file_io.c"));
}

void TestEditSource::directoryCreatedWhileRecording()
{
    startIn(m_root);
    const int watchesBefore = m_source->watchCount();
    run(m_root, QStringLiteral("sh"),
        {QStringLiteral("-c"), QStringLiteral("mkdir -p tests/unit && printf 'test 1\\n' > tests/unit/test_io.c")});
    settle(*m_source);
    QCOMPARE(m_source->watchCount(), watchesBefore + 2);
    writeFile(m_root + QStringLiteral("/tests/unit/test_io.c"), "test 1\ntest 2\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(2));
    QCOMPARE(edits[0].changes(0).path(), std::string("tests/unit/test_io.c"));
    QCOMPARE(edits[0].changes(0).kind(), v1::FileChange::KIND_CREATED);
    QVERIFY(QByteArray::fromStdString(edits[0].diff()).contains("--- /dev/null"));
    QCOMPARE(edits[1].changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    QVERIFY(QByteArray::fromStdString(edits[1].diff()).contains(" test 1\n+test 2\n"));
}

void TestEditSource::untrackedFileDiffsAgainstWhatWasSeen()
{
    writeFile(m_root + QStringLiteral("/notes.txt"), "one\ntwo\nthree\n"); // untracked, before recording
    startIn(m_root);
    // An editor reads the file before it writes it: that is when its content is learnt.
    QCOMPARE(readFile(m_root + QStringLiteral("/notes.txt")), QByteArray("one\ntwo\nthree\n"));
    QTest::qWait(300);
    writeFile(m_root + QStringLiteral("/notes.txt"), "one\n2\nthree\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    QVERIFY(!edits[0].changes(0).baseline_unknown());
    QVERIFY(QByteArray::fromStdString(edits[0].diff()).contains(" one\n-two\n+2\n three\n"));
}

void TestEditSource::aCommandWhoseEndWasLostEndsWithTheNextInItsShell()
{
    startIn(m_root);
    // Shell 1: a watcher whose end record was lost, then `ls`, then `exit` (which never
    // gets an end record). Shell 2 runs nothing. A file written afterwards in an editor
    // window is no command's.
    m_source->observe(commandStarted("cmd-watch", QStringLiteral("make watch"), m_root, "bash-1"));
    QTest::qWait(20);
    m_source->observe(commandStarted("cmd-ls", QStringLiteral("ls"), m_root, "bash-1"));
    m_source->observe(commandFinished("cmd-ls"));
    m_source->observe(commandStarted("cmd-exit", QStringLiteral("exit"), m_root, "bash-1"));
    QTest::qWait(400); // past the margins around the ends
    writeFile(m_root + QStringLiteral("/README.md"), "# io\n\nReads and writes files.\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    QCOMPARE(edits[0].command_id(), std::string());
    QVERIFY(!edits[0].command_effects());
}

void TestEditSource::editsInAnEditorWhileACommandRuns()
{
    startIn(m_root);
    // `vim src/io.c` typed in the shell is running when vim saves: the save is an edit.
    m_source->observe(commandStarted("cmd-vim", QStringLiteral("vim src/io.c"), m_root));
    writeFile(m_root + QStringLiteral("/src/io.c"), "int main(void) { return 0; }\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    QCOMPARE(edits[0].command_id(), std::string("cmd-vim"));
    QVERIFY(!edits[0].command_effects()); // a save in the editor, not an effect of running it
    QCOMPARE(edits[0].changes(0).path(), std::string("src/io.c"));
}

void TestEditSource::excludedDirectoryIsNotWatched()
{
    capture::EditSourceOptions options;
    options.excludedDirectories = {m_root + QStringLiteral("/private")};
    QDir().mkpath(m_root + QStringLiteral("/private"));
    startIn(m_root, options);
    writeFile(m_root + QStringLiteral("/private/diary.txt"), "dear diary\n");
    writeFile(m_root + QStringLiteral("/README.md"), "# io\n");
    settle(*m_source);
    const auto edits = m_sink.edits();
    QCOMPARE(edits.size(), size_t(1));
    QCOMPARE(edits[0].changes(0).path(), std::string("README.md"));
}

namespace {

// Every inotify watch of this user, as the kernel counts them against the limit.
int watchesInUse()
{
    int count = 0;
    const QStringList processes = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString& pid : processes) {
        const QString fdinfo = QStringLiteral("/proc/%1/fdinfo").arg(pid);
        for (const QString& fd : QDir(fdinfo).entryList(QDir::Files)) {
            const QByteArray info = readFile(fdinfo + QLatin1Char('/') + fd);
            count += static_cast<int>(info.count("inotify wd:"));
        }
    }
    return count;
}

struct WatchLimit
{
    static constexpr const char* kPath = "/proc/sys/fs/inotify/max_user_watches";
    QByteArray saved = readFile(QString::fromLatin1(kPath));
    bool set(int limit) const { return writeLimit(QByteArray::number(limit)); }
    ~WatchLimit()
    {
        if (!saved.isEmpty())
            writeLimit(saved.trimmed());
    }
    static bool writeLimit(const QByteArray& value)
    {
        QFile file(QString::fromLatin1(kPath));
        return file.open(QIODevice::WriteOnly) && file.write(value + '\n') > 0;
    }
};

} // namespace

void TestEditSource::exhaustedWatchLimitSaysSoOnce()
{
    for (int i = 0; i < 60; ++i)
        QVERIFY(QDir().mkpath(m_root + QStringLiteral("/modules/m%1").arg(i)));
    WatchLimit limit;
    // The limit is the machine's; this test lowers it for itself (ctest runs it alone:
    // RUN_SERIAL) and puts it back.
    if (!limit.set(watchesInUse() + 10))
        QFAIL("cannot lower fs.inotify.max_user_watches: the test set-up runs as root");
    m_source = std::make_unique<capture::EditSource>(capture::EditSourceOptions{});
    QSignalSpy warnings(m_source.get(), &capture::CaptureSource::warning);
    QString error;
    QVERIFY2(m_source->start(m_sink, &error), qPrintable(error));
    m_source->watchDirectory(m_root);
    QCOMPARE(warnings.count(), 1);
    const QString message = warnings.at(0).at(0).toString();
    QVERIFY2(message.contains(QLatin1String("fs.inotify.max_user_watches")), qPrintable(message));
    QVERIFY2(message.contains(QLatin1String("sysctl")), qPrintable(message));
    QVERIFY(m_source->watchCount() > 0 && m_source->watchCount() <= 10);
    // What is watched is still recorded: the root was watched first.
    writeFile(m_root + QStringLiteral("/README.md"), "# io, still recorded\n");
    settle(*m_source);
    QCOMPARE(m_sink.edits().size(), size_t(1));
    QCOMPARE(warnings.count(), 1);
}

QTEST_GUILESS_MAIN(TestEditSource)
#include "TestEditSource.moc"
