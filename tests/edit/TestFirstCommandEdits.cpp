// Edits made by a command in a tree nobody watched when it started (issue 26, part 4):
// `cd repo && sed -i ...` or `git clone ... && cd ... && ...` typed at machine speed run
// before the recorder has read their start, so before any watch exists. What they wrote
// must still be their effects. The commands really run (sed, git); the events are what
// the spool would hand the source, only later than the writes.
#include "capture/edit/EditSource.h"
#include "capture/edit/UnwatchedChanges.h"
#include "trailmark/v1/event.pb.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

namespace {

class CollectingSink final : public capture::EventSink
{
public:
    bool record(v1::Event& event, QString*) override
    {
        if (event.has_file_edit())
            edits.push_back(event.file_edit());
        return true;
    }
    bool commit(QString*) override { return true; }
    bool recordIngestPosition(const QString&, qint64, QString*) override { return true; }
    std::optional<qint64> ingestPosition(const QString&, QString*) override { return 0; }
    std::vector<v1::FileEdit> edits;
};

qint64 nowNs()
{
    return QDateTime::currentMSecsSinceEpoch() * 1'000'000;
}

bool shell(const QString& directory, const QString& script)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("sh"), {QStringLiteral("-c"), script});
    const bool ok = process.waitForFinished(60'000) && process.exitCode() == 0;
    if (!ok)
        qWarning("%s: %s", qPrintable(script), process.readAll().constData());
    return ok;
}

// A committed repository at directory/name.
bool makeRepository(const QString& directory, const QString& name)
{
    return shell(directory, QStringLiteral("mkdir -p %1/src && cd %1 && git init -q -b main && "
                                           "printf '# shop\\n\\nReads orders.\\n' > README.md && "
                                           "printf 'int main(void) { return 1; }\\n' > src/main.c && "
                                           "printf 'build/\\n' > .gitignore && git add . && "
                                           "git -c user.name=A -c user.email=a@example.org commit -qm first")
                                .arg(name));
}

v1::Event started(const std::string& id, const QString& command, const QString& cwd, qint64 timeNs)
{
    v1::Event event;
    event.set_time_ns(timeNs);
    auto* body = event.mutable_command_started();
    body->set_command_id(id);
    body->set_shell_session_id("bash-1");
    body->set_command(command.toStdString());
    body->set_cwd(QFile::encodeName(cwd).toStdString());
    return event;
}

v1::Event finished(const std::string& id, qint64 timeNs)
{
    v1::Event event;
    event.set_time_ns(timeNs);
    event.mutable_command_finished()->set_command_id(id);
    return event;
}

QStringList pathsOf(const v1::FileEdit& edit)
{
    QStringList paths;
    for (const v1::FileChange& change : edit.changes())
        paths.append(QString::fromStdString(change.path()));
    return paths;
}

} // namespace

class TestFirstCommandEdits final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void cdThenSedIsTheCommandsEdit();
    void cloneCdAndEditIsTheCommandsEdit();
    void aLaterPromptInTheTreeFindsWhatTheLastCommandWrote();
    void filesOutsideTheRunAreNotItsEffects();
    void directoriesNamedBy_data();
    void directoriesNamedBy();
    void neverScansHomeOrRoot();

private:
    // Runs script in cwd as command id, the way a fast typist's command reaches the
    // source: its start and end are observed only after it ran.
    void runUnseen(const std::string& id, const QString& command, const QString& cwd);

    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_root;
    CollectingSink m_sink;
    std::unique_ptr<capture::EditSource> m_source;
};

void TestFirstCommandEdits::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_root = QDir(m_dir->path()).canonicalPath();
    m_sink.edits.clear();
    m_source = std::make_unique<capture::EditSource>(capture::EditSourceOptions{});
    QString error;
    QVERIFY2(m_source->start(m_sink, &error), qPrintable(error));
}

void TestFirstCommandEdits::cleanup()
{
    m_source->stop();
    m_source.reset();
    m_dir.reset();
}

void TestFirstCommandEdits::runUnseen(const std::string& id, const QString& command, const QString& cwd)
{
    const qint64 startNs = nowNs();
    QTest::qWait(20); // mtimes come after the start stamp, as in a shell
    QVERIFY(shell(cwd, command));
    const qint64 endNs = nowNs();
    QTest::qWait(20);
    m_source->observe(started(id, command, cwd, startNs));
    m_source->observe(finished(id, endNs));
    QTest::qWait(700); // the source resolves a command's last writes a little after it ends
    m_source->flushNow(true);
}

void TestFirstCommandEdits::cdThenSedIsTheCommandsEdit()
{
    QVERIFY(makeRepository(m_root, QStringLiteral("shop")));
    QTest::qWait(50);
    runUnseen("c1", QStringLiteral("cd shop && sed -i 's/Reads orders/Reads and writes orders/' README.md"), m_root);
    QCOMPARE(m_sink.edits.size(), size_t(1));
    const v1::FileEdit& edit = m_sink.edits.front();
    QCOMPARE(edit.command_id(), "c1");
    QVERIFY(edit.command_effects());
    QCOMPARE(pathsOf(edit).size(), 1);
    QVERIFY2(pathsOf(edit).first().endsWith(QLatin1String("README.md")), qPrintable(pathsOf(edit).join(u',')));
    QCOMPARE(edit.changes(0).kind(), v1::FileChange::KIND_MODIFIED);
    // Against the committed content: a real diff, not "content now".
    QVERIFY(!edit.changes(0).baseline_unknown());
    QVERIFY2(QByteArray::fromStdString(edit.diff()).contains("-Reads orders.\n+Reads and writes orders.\n"),
             edit.diff().c_str());
}

void TestFirstCommandEdits::cloneCdAndEditIsTheCommandsEdit()
{
    QVERIFY(makeRepository(m_root, QStringLiteral("upstream")));
    QTest::qWait(50);
    runUnseen("c1",
              QStringLiteral("git clone -q upstream work && cd work && sed -i 's/return 1/return 0/' src/main.c && "
                             "echo 'fixed' > NOTES && mkdir -p build && echo obj > build/main.o"),
              m_root);
    QCOMPARE(m_sink.edits.size(), size_t(1));
    const v1::FileEdit& edit = m_sink.edits.front();
    QCOMPARE(edit.command_id(), "c1");
    // What the clone wrote as committed is no edit; the ignored build/ is none either.
    QStringList paths = pathsOf(edit);
    for (QString& path : paths)
        path = path.section(QLatin1Char('/'), -1);
    paths.sort();
    QCOMPARE(paths, (QStringList{QStringLiteral("NOTES"), QStringLiteral("main.c")}));
    for (const v1::FileChange& change : edit.changes()) {
        const bool notes = QString::fromStdString(change.path()).endsWith(QLatin1String("NOTES"));
        QCOMPARE(change.kind(), notes ? v1::FileChange::KIND_CREATED : v1::FileChange::KIND_MODIFIED);
    }
    QVERIFY2(QByteArray::fromStdString(edit.diff()).contains("-int main(void) { return 1; }\n"), edit.diff().c_str());
}

void TestFirstCommandEdits::aLaterPromptInTheTreeFindsWhatTheLastCommandWrote()
{
    // The line does not say where it went (and its cwd holds no such tree); the next
    // prompt's cwd does.
    QVERIFY(makeRepository(m_root, QStringLiteral("shop")));
    QVERIFY(QDir(m_root).mkpath(QStringLiteral("elsewhere")));
    QTest::qWait(50);
    const QString hidden = QStringLiteral("cd \"$(echo ../shop)\" && sed -i 's/Reads/Lists/' README.md");
    runUnseen("c1", hidden, m_root + QStringLiteral("/elsewhere"));
    QCOMPARE(m_sink.edits.size(), size_t(0));
    m_source->observe(started("c2", QStringLiteral("git status"), m_root + QStringLiteral("/shop"), nowNs()));
    QTest::qWait(700);
    m_source->flushNow(true);
    QCOMPARE(m_sink.edits.size(), size_t(1));
    QCOMPARE(m_sink.edits.front().command_id(), "c1");
    QVERIFY(QByteArray::fromStdString(m_sink.edits.front().diff()).contains("+Lists orders.\n"));
}

void TestFirstCommandEdits::filesOutsideTheRunAreNotItsEffects()
{
    QVERIFY(makeRepository(m_root, QStringLiteral("shop")));
    // Changed before the command started: an edit nobody recorded, not this command's.
    QVERIFY(shell(m_root + QStringLiteral("/shop"), QStringLiteral("echo draft >> README.md")));
    QTest::qWait(100);
    runUnseen("c1", QStringLiteral("cd shop && ls > /dev/null"), m_root);
    QCOMPARE(m_sink.edits.size(), size_t(0));
}

void TestFirstCommandEdits::directoriesNamedBy_data()
{
    QTest::addColumn<QString>("line");
    QTest::addColumn<QStringList>("directories");
    const QString home = QDir::homePath();
    QTest::newRow("cd then sed") << QStringLiteral("cd repo && sed -i s/a/b/ f")
                                 << QStringList{QStringLiteral("/w/repo")};
    QTest::newRow("clone, cd, make") << QStringLiteral("git clone https://x/y.git y && cd y && make")
                                     << QStringList{QStringLiteral("/w/y")};
    QTest::newRow("chained cds") << QStringLiteral("cd a; cd ../b && pushd 'c d'")
                                 << QStringList{QStringLiteral("/w/a"), QStringLiteral("/w/b"),
                                                QStringLiteral("/w/b/c d")};
    QTest::newRow("-C") << QStringLiteral("make -C build/x install") << QStringList{QStringLiteral("/w/build/x")};
    QTest::newRow("absolute and home") << QStringLiteral("cd /srv/app && cd ~/notes")
                                       << QStringList{QStringLiteral("/srv/app"), home + QStringLiteral("/notes")};
    QTest::newRow("expansion: lost track") << QStringLiteral("cd \"$REPO\" && cd sub") << QStringList{};
    QTest::newRow("cd in an argument is no cd") << QStringLiteral("echo cd x && grep -r cd .") << QStringList{};
    QTest::newRow("no directories") << QStringLiteral("sed -i s/a/b/ f") << QStringList{};
}

void TestFirstCommandEdits::directoriesNamedBy()
{
    QFETCH(QString, line);
    QFETCH(QStringList, directories);
    QCOMPARE(capture::directoriesNamedBy(line, QStringLiteral("/w")), directories);
}

void TestFirstCommandEdits::neverScansHomeOrRoot()
{
    // Everything in the window would match; a scan of / or $HOME must not even start.
    const qint64 all = std::numeric_limits<qint64>::max();
    QVERIFY(capture::findUnwatchedChanges(QStringLiteral("/"), 0, all).empty());
    QVERIFY(capture::findUnwatchedChanges(QDir::homePath(), 0, all).empty());
    // A plain directory is walked within the limits.
    QVERIFY(shell(m_root, QStringLiteral("mkdir -p a/b && touch a/one a/b/two top")));
    capture::UnwatchedScanLimits limits;
    limits.maxChanges = 2;
    QCOMPARE(capture::findUnwatchedChanges(m_root, 0, all, limits).size(), size_t(2));
    limits.maxChanges = 200;
    limits.maxDepth = 0;
    QCOMPARE(capture::findUnwatchedChanges(m_root, 0, all, limits).size(), size_t(1)); // top only
}

QTEST_GUILESS_MAIN(TestFirstCommandEdits)
#include "TestFirstCommandEdits.moc"
