#include "SessionScript.h"
#include "TestSupport.h"
#include "capture/edit/GitWorkTree.h"
#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"
#include "chains/families/PresentingFacet.h"
#include "chains/families/edit/UnifiedDiff.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;

namespace {

// A file's text before and after an edit, and the change as the recorder stores it:
// the diff made by the same libgit2 call the capture source makes.
struct FileText
{
    FileText(QString path_, std::optional<QByteArray> before_, std::optional<QByteArray> after_, QString oldPath_ = {})
        : path(std::move(path_))
        , before(std::move(before_))
        , after(std::move(after_))
        , oldPath(std::move(oldPath_))
    {}
    QString path;
    std::optional<QByteArray> before;
    std::optional<QByteArray> after;
    QString oldPath; // for a rename
};

v1::FileChange::Kind kindOf(const FileText& file)
{
    if (!file.oldPath.isEmpty())
        return v1::FileChange::KIND_RENAMED;
    if (!file.before)
        return v1::FileChange::KIND_CREATED;
    if (!file.after)
        return v1::FileChange::KIND_DELETED;
    return v1::FileChange::KIND_MODIFIED;
}

v1::Event fileEdit(const QList<FileText>& files, const std::string& commandId = {}, bool effects = false)
{
    v1::Event event;
    v1::FileEdit* edit = event.mutable_file_edit();
    edit->set_work_tree("/home/ada/src/stock");
    edit->set_command_id(commandId);
    edit->set_command_effects(effects);
    if (commandId.empty())
        edit->set_app_class("gedit");
    std::string diff;
    for (const FileText& file : files) {
        v1::FileChange* change = edit->add_changes();
        change->set_path(file.path.toStdString());
        change->set_kind(kindOf(file));
        change->set_old_path(file.oldPath.toStdString());
        change->set_size_before(file.before ? static_cast<quint64>(file.before->size()) : 0);
        change->set_size_after(file.after ? static_cast<quint64>(file.after->size()) : 0);
        if (file.path.endsWith(QLatin1String(".env"))) {
            change->set_content_withheld(true);
            continue;
        }
        const QByteArray part = capture::unifiedDiff(file.before, file.after,
                                                     file.oldPath.isEmpty() ? file.path : file.oldPath, file.path, 3);
        diff.append(part.constData(), static_cast<size_t>(part.size()));
    }
    edit->set_files_changed(static_cast<quint32>(files.size()));
    edit->set_diff(diff);
    return event;
}

QByteArray numberedLines(int count, const char* pattern)
{
    QByteArray text;
    for (int i = 1; i <= count; ++i)
        text += QByteArray(pattern).replace("%1", QByteArray::number(i)) + '\n';
    return text;
}

// Does what a str_replace editor does with the calls: `create` writes the file,
// `str_replace` needs old_str exactly once. Returns the error a real editor would give.
QString replay(QMap<QString, QByteArray>& tree, const std::vector<exportutil::ChatCall>& calls)
{
    for (const auto& call : calls) {
        const QJsonObject arguments = QJsonDocument::fromJson(QByteArray::fromStdString(call.arguments)).object();
        if (call.tool == "shell") {
            // Only what the edit family emits: rm -- 'P' and mv -- 'A' 'B'.
            const QStringList words = arguments.value(QStringLiteral("command")).toString().split(QLatin1Char(' '));
            const auto unquoted = [](QString word) {
                return word.mid(1, word.size() - 2);
            };
            if (words.value(0) == QLatin1String("rm"))
                tree.remove(unquoted(words.value(2)));
            else if (words.value(0) == QLatin1String("mv"))
                tree.insert(unquoted(words.value(3)), tree.take(unquoted(words.value(2))));
            else
                return QStringLiteral("unexpected shell call %1").arg(QString::fromStdString(call.arguments));
            continue;
        }
        if (call.tool != "str_replace_editor")
            return QStringLiteral("unexpected tool %1")
                .arg(QString::fromLatin1(call.tool.data(), qsizetype(call.tool.size())));
        const QString path = arguments.value(QStringLiteral("path")).toString();
        const QString command = arguments.value(QStringLiteral("command")).toString();
        if (command == QLatin1String("create")) {
            tree.insert(path, arguments.value(QStringLiteral("file_text")).toString().toUtf8());
            continue;
        }
        if (command != QLatin1String("str_replace") || !tree.contains(path))
            return QStringLiteral("bad call %1").arg(QString::fromStdString(call.arguments));
        const QByteArray oldText = arguments.value(QStringLiteral("old_str")).toString().toUtf8();
        const QByteArray newText = arguments.value(QStringLiteral("new_str")).toString().toUtf8();
        QByteArray& content = tree[path];
        if (oldText.isEmpty() || content.count(oldText) != 1)
            return QStringLiteral("old_str occurs %1 times in %2").arg(content.count(oldText)).arg(path);
        content.replace(content.indexOf(oldText), oldText.size(), newText);
    }
    return {};
}

} // namespace

// The edit family end to end below capture: stored FileEdit events become edit steps
// and command effects, recoveries name their fix, and the chat calls, replayed by a
// str_replace editor or `git apply`, turn the old files into the new ones.
class TestEditChains final : public QObject
{
    Q_OBJECT

private:
    std::optional<Trajectory> load(const QString& sessionId);
    struct Cli
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Cli trailmark(const QStringList& arguments);

    test::TempDatabase m_database;
    std::unique_ptr<store::Store> m_store;

private Q_SLOTS:
    void init();
    void diffSplitsIntoFilesAndHunks();
    void strReplaceCallsReplayTheEdit_data();
    void strReplaceCallsReplayTheEdit();
    void applyPatchAppliesWithGitApply();
    void editBetweenFailureAndSuccessIsTheFix();
    void commandEffectsStayWithTheirCommand();
    void withheldFileGivesNoCallAndNoContent();
    void reviewerRedactsASpanOfADiff();
    void exportsPassConsumerChecksInBothStyles();
};

void TestEditChains::init()
{
    m_store.reset();
    m_store = m_database.open();
    QVERIFY(m_store);
}

std::optional<Trajectory> TestEditChains::load(const QString& sessionId)
{
    QString error;
    auto trajectory = TrajectoryBuilder::load(*m_store, sessionId, {}, {}, &error);
    if (!trajectory)
        qWarning("%s", qPrintable(error));
    return trajectory;
}

TestEditChains::Cli TestEditChains::trailmark(const QStringList& arguments)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), m_database.path()} + arguments);
    Cli result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    return result;
}

void TestEditChains::diffSplitsIntoFilesAndHunks()
{
    const QByteArray io = "int read(int fd) {\n    return -1;\n}\n";
    const v1::Event event =
        fileEdit({{QStringLiteral("src/io.c"), io, QByteArray(io).replace("-1", "0")},
                  {QStringLiteral("docs/new notes.md"), std::nullopt, QByteArray("# Notes\nno newline at end")},
                  {QStringLiteral("old.txt"), QByteArray("gone\n"), std::nullopt}});
    const auto files = unidiff::parse(event.file_edit().diff());
    QCOMPARE(files.size(), size_t(3));
    QCOMPARE(files[0].oldPath, std::string("src/io.c"));
    QCOMPARE(files[0].newPath, std::string("src/io.c"));
    QCOMPARE(files[0].hunks.size(), size_t(1));
    QCOMPARE(files[0].hunks[0].before, io.toStdString());
    QCOMPARE(files[0].hunks[0].after, QByteArray(io).replace("-1", "0").toStdString());
    QCOMPARE(files[0].added, 1);
    QCOMPARE(files[0].removed, 1);
    // A created file: no old side; its last line has no newline, and keeps none.
    QCOMPARE(files[1].oldPath, std::string());
    QCOMPARE(files[1].newPath, std::string("docs/new notes.md"));
    QCOMPARE(files[1].hunks[0].after, std::string("# Notes\nno newline at end"));
    QCOMPARE(files[2].newPath, std::string());
    QCOMPARE(files[2].hunks[0].before, std::string("gone\n"));
    // Each part is the file's text and nothing of the next.
    QVERIFY(files[0].text.find("notes") == std::string_view::npos);
    QVERIFY(files[1].text.rfind("diff --git", 0) == 0);
    // A removed line that looks like a header stays body text.
    const v1::Event tricky = fileEdit({{QStringLiteral("a.txt"), QByteArray("-- a\n--- b\nc\n"), QByteArray("c\n")}});
    const auto trickyFiles = unidiff::parse(tricky.file_edit().diff());
    QCOMPARE(trickyFiles.size(), size_t(1));
    QCOMPARE(trickyFiles[0].hunks[0].before, std::string("-- a\n--- b\nc\n"));
    QCOMPARE(trickyFiles[0].removed, 2);
    QCOMPARE(unidiff::unquotePath("\"caf\\303\\251 \\\"x\\\".txt\""), std::string("café \"x\".txt"));
}

void TestEditChains::strReplaceCallsReplayTheEdit_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<int>("calls");
    const QByteArray python = numberedLines(120, "    total += price_%1 * quantity  # line %1");
    QTest::newRow("one-line fix") << QByteArray("def parse(x):\n    return int(x)\n")
                                  << QByteArray("def parse(x):\n    return int(x.strip())\n") << 1;
    QByteArray twoPlaces = python;
    twoPlaces.replace("price_5 ", "price_5 * tax ").replace("price_100 ", "price_100 - discount ");
    QTest::newRow("two stretches far apart") << python << twoPlaces << 2;
    QByteArray near = python;
    near.replace("price_40 ", "cost_40 ").replace("price_44 ", "cost_44 ");
    QTest::newRow("two changes close together are one") << python << near << 1;
    QTest::newRow("last line without newline") << QByteArray("a = 1\nb = 2") << QByteArray("a = 1\nb = 3") << 1;
    QTest::newRow("lines removed at the start") << python << python.mid(python.indexOf("# line 3\n") + 9) << 1;
    QTest::newRow("an empty file written") << QByteArray() << QByteArray("print('hello')\n") << 1;
    QByteArray repeated = numberedLines(30, "x = 0");
    QByteArray repeatedAfter = repeated;
    repeatedAfter.replace(repeatedAfter.indexOf("x = 0\n", 60), 6, "x = 1\n");
    // Identical lines everywhere: the context cannot make old_str unique. Recorded, but a
    // replay may refuse; counted, not hidden (see the QEXPECT below).
    QTest::newRow("repetitive text") << repeated << repeatedAfter << 1;
}

void TestEditChains::strReplaceCallsReplayTheEdit()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(int, calls);
    const QString sessionId = test::createSession(*m_store, QStringLiteral("fix the parser"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.append(fileEdit({{QStringLiteral("stock/parse.py"), before, after}}));
        QVERIFY(script.flush());
    }
    const auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    QCOMPARE(trajectory->steps.size(), size_t(1));
    const Step& step = trajectory->steps.front();
    QCOMPARE(step.tool(), std::string_view("edit"));
    const auto replayed = exportutil::chatCalls(step, {EditStyle::StrReplace});
    QCOMPARE(int(replayed.size()), calls);
    QMap<QString, QByteArray> tree{{QStringLiteral("stock/parse.py"), before}};
    const QString error = replay(tree, replayed);
    if (QByteArray(QTest::currentDataTag()) == "repetitive text")
        QEXPECT_FAIL("", "3 lines of context cannot single out one of 30 identical lines", Abort);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(tree.value(QStringLiteral("stock/parse.py")), after);
}

void TestEditChains::applyPatchAppliesWithGitApply()
{
    const QByteArray io = numberedLines(60, "int field_%1 = %1;");
    QByteArray ioAfter = io;
    ioAfter.replace("field_7 = 7", "field_7 = 70").replace("field_50 = 50", "field_50 = 0");
    const QByteArray readme = "# stock\n\nRun make.\n";
    const QByteArray moved = numberedLines(12, "def step_%1(): pass");
    QByteArray movedAfter = moved;
    movedAfter.replace("step_3()", "step_three()");
    const QList<FileText> files{
        {QStringLiteral("README.md"), readme, std::nullopt},
        {QStringLiteral("lib/steps.py"), moved, movedAfter, QStringLiteral("steps.py")},
        {QStringLiteral("src/io.c"), io, ioAfter},
        {QStringLiteral("src/new.h"), std::nullopt, QByteArray("#pragma once\nint io_read(void);\n")},
        {QStringLiteral("src/plain-rename.txt"), readme, readme, QStringLiteral("notes.txt")},
    };
    const QString sessionId = test::createSession(*m_store, QStringLiteral("reorganise"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.append(fileEdit(files));
        QVERIFY(script.flush());
    }
    const auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    const Step& step = trajectory->steps.front();
    QCOMPARE(step.actionText(), QStringLiteral("delete README.md (+4 more files)"));
    // A rename that changed nothing has no diff part: the observation says so.
    QVERIFY(step.observationText().endsWith(
        QStringLiteral("src/plain-rename.txt: renamed from notes.txt, content unchanged\n")));
    QVERIFY(!step.observationText().contains(QStringLiteral("lib/steps.py: renamed")));
    const auto calls = exportutil::chatCalls(step, {EditStyle::ApplyPatch});
    QCOMPARE(calls.size(), size_t(1));
    QCOMPARE(calls[0].tool, std::string_view("apply_patch"));
    const QByteArray patch = QJsonDocument::fromJson(QByteArray::fromStdString(calls[0].arguments))
                                 .object()
                                 .value(QStringLiteral("patch"))
                                 .toString()
                                 .toUtf8();

    // The tree as it was, and git applying the call's patch to it.
    QTemporaryDir work;
    QVERIFY(work.isValid());
    const auto write = [&](const QString& path, const QByteArray& bytes) {
        QDir().mkpath(QFileInfo(work.filePath(path)).absolutePath());
        QFile file(work.filePath(path));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(bytes);
    };
    write(QStringLiteral("README.md"), readme);
    write(QStringLiteral("steps.py"), moved);
    write(QStringLiteral("src/io.c"), io);
    write(QStringLiteral("notes.txt"), readme);
    write(QStringLiteral("call.patch"), patch);
    QProcess git;
    git.setWorkingDirectory(work.path());
    git.start(QStringLiteral("git"),
              {QStringLiteral("apply"), QStringLiteral("--verbose"), QStringLiteral("call.patch")});
    QVERIFY(git.waitForFinished(30'000));
    QVERIFY2(git.exitCode() == 0, git.readAllStandardError().constData());
    const auto read = [&](const QString& path) {
        QFile file(work.filePath(path));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("(missing)");
    };
    QVERIFY(!QFile::exists(work.filePath(QStringLiteral("README.md"))));
    QVERIFY(!QFile::exists(work.filePath(QStringLiteral("steps.py"))));
    QVERIFY(!QFile::exists(work.filePath(QStringLiteral("notes.txt"))));
    QCOMPARE(read(QStringLiteral("lib/steps.py")), movedAfter);
    QCOMPARE(read(QStringLiteral("src/io.c")), ioAfter);
    QCOMPARE(read(QStringLiteral("src/new.h")), QByteArray("#pragma once\nint io_read(void);\n"));
    QCOMPARE(read(QStringLiteral("src/plain-rename.txt")), readme);
    QCOMPARE(QString::fromStdString(*calls[0].observation),
             QStringLiteral("Success. Updated the following files:\nD README.md\nM lib/steps.py\nM src/io.c\n"
                            "A src/new.h\nM src/plain-rename.txt\n"));

    // The same edit as str_replace editor calls, replayed, gives the same tree.
    QMap<QString, QByteArray> tree{{QStringLiteral("README.md"), readme},
                                   {QStringLiteral("steps.py"), moved},
                                   {QStringLiteral("src/io.c"), io},
                                   {QStringLiteral("notes.txt"), readme}};
    const QString error = replay(tree, exportutil::chatCalls(step, {EditStyle::StrReplace}));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QMap<QString, QByteArray> expected{{QStringLiteral("lib/steps.py"), movedAfter},
                                             {QStringLiteral("src/io.c"), ioAfter},
                                             {QStringLiteral("src/new.h"), "#pragma once\nint io_read(void);\n"},
                                             {QStringLiteral("src/plain-rename.txt"), readme}};
    QCOMPARE(tree, expected);
}

void TestEditChains::editBetweenFailureAndSuccessIsTheFix()
{
    const QByteArray io = "def load(path):\n    with open(path) as f:\n        return f.read()\n";
    const QByteArray fixed = "def load(path):\n    with open(path, encoding='utf-8') as f:\n        return f.read()\n";
    const QString sessionId = test::createSession(*m_store, QStringLiteral("make the loader read UTF-8"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.command("pytest tests/test_io.py", 1, "E   UnicodeDecodeError: 'ascii' codec can't decode\n");
        script.advanceMs(4000);
        script.command("vim stock/io.py", 0, {}, QStringLiteral("shell-A"), 30'000);
        script.note(QStringLiteral("open() needs an explicit encoding"));
        script.append(fileEdit({{QStringLiteral("stock/io.py"), io, fixed}}));
        script.advanceMs(2000);
        script.command("pytest tests/test_io.py", 0, "1 passed in 0.03s\n");
        QVERIFY(script.flush());
    }
    const auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    QStringList tools;
    for (const Step& step : trajectory->steps)
        tools.append(step.toolText());
    QCOMPARE(tools, (QStringList{QStringLiteral("shell"), QStringLiteral("shell"), QStringLiteral("note"),
                                 QStringLiteral("edit"), QStringLiteral("shell")}));
    const Step& edit = trajectory->steps[3];
    QCOMPARE(edit.actionText(), QStringLiteral("edit stock/io.py"));
    QCOMPARE(edit.thought, QStringLiteral("open() needs an explicit encoding"));
    QVERIFY(edit.observationText().startsWith(QStringLiteral("diff --git a/stock/io.py b/stock/io.py\n")));
    QVERIFY(edit.observationText().contains(QStringLiteral("+    with open(path, encoding='utf-8') as f:")));
    const Step& rerun = trajectory->steps[4];
    QCOMPARE(rerun.recovers, 0);
    QCOMPARE(rerun.fixSteps, std::vector<int>{3});
    QCOMPARE(trajectory->steps[1].fixSteps, std::vector<int>{}); // vim itself changed nothing

    const Cli show = trailmark({QStringLiteral("show"), sessionId});
    QCOMPARE(show.exitCode, 0);
    QVERIFY2(show.out.contains("RECOVERS #0, fixed by #3"), show.out.constData());
    QVERIFY2(show.out.contains("edit stock/io.py"), show.out.constData());
    QVERIFY2(show.out.contains("files: stock/io.py (+1 −1)"), show.out.constData());
    const Cli json = trailmark({QStringLiteral("show"), sessionId, QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonArray steps = QJsonDocument::fromJson(json.out).object().value(QStringLiteral("steps")).toArray();
    QCOMPARE(steps.at(4).toObject().value(QStringLiteral("fix_steps")).toArray(), QJsonArray{3});
    QCOMPARE(steps.at(3).toObject().value(QStringLiteral("diff")).toString().toUtf8(),
             QByteArray::fromStdString(edit.observationUtf8()));
}

void TestEditChains::commandEffectsStayWithTheirCommand()
{
    QList<FileText> checkout;
    for (int i = 0; i < 200; ++i)
        checkout.append({QStringLiteral("src/module_%1.c").arg(i, 3, 10, QLatin1Char('0')), QByteArray("int v = 1;\n"),
                         QByteArray("int v = 2;\n")});
    const QString sessionId = test::createSession(*m_store, QStringLiteral("try the release branch"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.command("make test", 2, "src/io.c:3: error: expected ';'\n");
        script.command("sed -i 's/return -1$/return -1;/' src/io.c", 0);
        script.append(fileEdit({{QStringLiteral("src/io.c"), QByteArray("int f() {\n    return -1\n}\n"),
                                 QByteArray("int f() {\n    return -1;\n}\n")}},
                               "cmd-2", true));
        script.command("make test", 0, "ok\n");
        script.command("git checkout release", 0, "Switched to branch 'release'\n");
        script.append(fileEdit(checkout, "cmd-4", true));
        QVERIFY(script.flush());
    }
    const auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    // Four commands, no edit steps: what they wrote is theirs.
    QCOMPARE(trajectory->steps.size(), size_t(4));
    const Step& sed = trajectory->steps[1];
    QVERIFY(sed.effectsFamily);
    QCOMPARE(sed.eventIds.size(), size_t(3)); // started, finished, its FileEdit
    QCOMPARE(families::presenting(*sed.effectsFamily).effectLines(sed),
             QStringList{QStringLiteral("changed 1 file(s): src/io.c (+1 −1)")});
    QCOMPARE(trajectory->steps[2].recovers, 0);
    QCOMPARE(trajectory->steps[2].fixSteps, std::vector<int>{1}); // the sed -i was the fix
    const Step& gitCheckout = trajectory->steps[3];
    const QString line = families::presenting(*gitCheckout.effectsFamily).effectLines(gitCheckout).value(0);
    QVERIFY2(line.startsWith(QStringLiteral("changed 200 file(s): src/module_000.c (+1 −1)")), qPrintable(line));
    QVERIFY2(line.endsWith(QStringLiteral("195 more")), qPrintable(line));
    // A reviewer can redact what the command wrote: the text offered is that FileEdit's diff.
    const auto texts = families::presenting(*gitCheckout.effectsFamily).effectTexts(gitCheckout);
    QCOMPARE(texts.size(), size_t(1));
    QCOMPARE(texts[0].eventIndex, size_t(2));
    QVERIFY(QByteArray::fromStdString(texts[0].bytes).startsWith("diff --git a/src/module_000.c"));
    // The command is exported as the command; its effects as columns of its row.
    QCOMPARE(exportutil::chatCalls(sed, {}).size(), size_t(1));
    QCOMPARE(exportutil::chatCalls(sed, {}).front().tool, std::string_view("shell"));
}

void TestEditChains::withheldFileGivesNoCallAndNoContent()
{
    const QString sessionId = test::createSession(*m_store, QStringLiteral("rotate the key"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.append(
            fileEdit({{QStringLiteral("deploy/.env"), QByteArray("TOKEN=old\n"), QByteArray("TOKEN=new\n")}}));
        QVERIFY(script.flush());
    }
    const auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    const Step& step = trajectory->steps.front();
    QCOMPARE(step.observationText(), QStringLiteral("deploy/.env: modified, content withheld\n"));
    QVERIFY(exportutil::chatCalls(step, {EditStyle::StrReplace}).empty());
    QVERIFY(exportutil::chatCalls(step, {EditStyle::ApplyPatch}).empty());
}

void TestEditChains::reviewerRedactsASpanOfADiff()
{
    // A key pasted into a config file that the secret rules do not know: the reviewer
    // takes it out of the diff, in the database itself.
    const QString sessionId = test::createSession(*m_store, QStringLiteral("point the client at staging"));
    {
        test::SessionScript script(*m_store, sessionId);
        script.append(fileEdit({{QStringLiteral("config/client.toml"), QByteArray("[api]\nurl = \"prod\"\n"),
                                 QByteArray("[api]\nurl = \"staging\"\nkey = \"zq81-PLUM-tango\"\n")}}));
        QVERIFY(script.flush());
    }
    auto trajectory = load(sessionId);
    QVERIFY(trajectory);
    const Step& step = trajectory->steps.front();
    const auto texts = families::presenting(step).redactableTexts(step);
    QCOMPARE(texts.size(), size_t(1));
    QCOMPARE(texts[0].field, QStringLiteral("diff"));
    const size_t at = texts[0].bytes.find("zq81-PLUM-tango");
    QVERIFY(at != std::string::npos);
    const review::RedactionSpan span{QString::fromStdString(step.eventIds[texts[0].eventIndex]), texts[0].field,
                                     static_cast<quint32>(at), 15, QStringLiteral("secret")};
    QString error;
    QVERIFY2(review::addRedaction(*m_store, sessionId, QStringLiteral("ana"), span, nullptr, &error),
             qPrintable(error));
    trajectory = load(sessionId);
    QVERIFY(trajectory);
    const QString observation = trajectory->steps.front().observationText();
    QVERIFY2(!observation.contains(QStringLiteral("zq81")), qPrintable(observation));
    QVERIFY2(observation.contains(QStringLiteral("[REDACTED")), qPrintable(observation));
    // The redacted diff still replays as an edit: its old text was never touched.
    QVERIFY(!exportutil::chatCalls(trajectory->steps.front(), {EditStyle::StrReplace}).empty());
}

void TestEditChains::exportsPassConsumerChecksInBothStyles()
{
    // A realistic session: a failing run, an edit in the editor, a formatter's effects,
    // a new file, the re-run that passes.
    const QString sessionId = test::createSession(*m_store, QStringLiteral("fix the CSV parser"));
    const QByteArray parser = numberedLines(40, "    row_%1 = fields[%1]");
    QByteArray parserFixed = parser;
    parserFixed.replace("fields[3]", "fields[3].strip()");
    {
        test::SessionScript script(*m_store, sessionId);
        script.command("pytest -q", 1, "FAILED tests/test_csv.py::test_spaces\n1 failed\n");
        script.note(QStringLiteral("the third field keeps its spaces"));
        script.append(fileEdit({{QStringLiteral("stock/csv.py"), parser, parserFixed}}));
        script.append(fileEdit({{QStringLiteral("tests/test_trim.py"), std::nullopt,
                                 QByteArray("def test_trim():\n    assert parse(' a ') == 'a'\n")}}));
        script.command("black stock", 0, "reformatted stock/csv.py\n");
        script.append(
            fileEdit({{QStringLiteral("stock/csv.py"), parserFixed, QByteArray(parserFixed).replace("    ", "  ")}},
                     "cmd-2", true));
        script.command("pytest -q", 0, "3 passed\n");
        QVERIFY(script.flush());
    }
    QTemporaryDir outputs;
    for (const QString& style : {QStringLiteral("str_replace"), QStringLiteral("apply_patch")}) {
        const QString out = outputs.filePath(style);
        const Cli exported = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("all"),
                                        QStringLiteral("--out"), out, QStringLiteral("--edit-style"), style,
                                        QStringLiteral("--session"), sessionId});
        QVERIFY2(exported.exitCode == 0, exported.err.constData());
        QProcess validate;
        validate.start(QStringLiteral(TRAILMARK_PYTHON),
                       {QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/validate_export.py"), out,
                        QStringLiteral("--sessions"), QStringLiteral("1"), QStringLiteral("--steps"),
                        QStringLiteral("6"), QStringLiteral("--events"), QStringLiteral("10"),
                        QStringLiteral("--protoc"), QStringLiteral(TRAILMARK_PROTOC)});
        QVERIFY(validate.waitForFinished(120'000));
        const QByteArray report = validate.readAllStandardOutput() + validate.readAllStandardError();
        QVERIFY2(validate.exitCode() == 0, report.constData());

        QFile openai(out + QStringLiteral("/openai/train.jsonl"));
        QVERIFY(openai.open(QIODevice::ReadOnly));
        const QJsonObject row = QJsonDocument::fromJson(openai.readLine()).object();
        QStringList toolNames;
        for (const QJsonValue& tool : row.value(QStringLiteral("tools")).toArray())
            toolNames.append(tool[QStringLiteral("function")][QStringLiteral("name")].toString());
        const QString editTool = style == QLatin1String("apply_patch") ? QStringLiteral("apply_patch")
                                                                       : QStringLiteral("str_replace_editor");
        QCOMPARE(toolNames, (QStringList{QStringLiteral("shell"), editTool, QStringLiteral("switch_app")}));
        QStringList called;
        QString thoughtBeforeEdit;
        for (const QJsonValue& message : row.value(QStringLiteral("messages")).toArray()) {
            for (const QJsonValue& call : message[QStringLiteral("tool_calls")].toArray()) {
                called.append(call[QStringLiteral("function")][QStringLiteral("name")].toString());
                if (called.last() == editTool && thoughtBeforeEdit.isEmpty())
                    thoughtBeforeEdit = message[QStringLiteral("content")].toString();
            }
        }
        QCOMPARE(called, (QStringList{QStringLiteral("shell"), editTool, editTool, QStringLiteral("shell"),
                                      QStringLiteral("shell")}));
        QCOMPARE(thoughtBeforeEdit, QStringLiteral("the third field keeps its spaces"));
        QVERIFY(row.value(QStringLiteral("messages")).toArray().at(1)[QStringLiteral("content")].toString() ==
                QStringLiteral("fix the CSV parser"));
        QVERIFY(QJsonDocument(row).toJson().contains(
            editTool == QLatin1String("apply_patch") ? "+    row_3 = fields[3].strip()" : "\\\"old_str\\\""));

        // agent_chain: the diff byte for byte, the black run with its effects, the fix.
        QFile chain(out + QStringLiteral("/agent_chain/train.jsonl"));
        QVERIFY(chain.open(QIODevice::ReadOnly));
        QList<QJsonObject> rows;
        while (!chain.atEnd())
            rows.append(QJsonDocument::fromJson(chain.readLine()).object());
        QCOMPARE(rows.size(), 6);
        QCOMPARE(rows[2].value(QStringLiteral("tool")).toString(), QStringLiteral("edit"));
        QVERIFY(rows[2]
                    .value(QStringLiteral("diff"))
                    .toString()
                    .contains(QStringLiteral("+    row_3 = fields[3].strip()")));
        QCOMPARE(rows[2].value(QStringLiteral("observation")).toString(),
                 rows[2].value(QStringLiteral("diff")).toString());
        QCOMPARE(rows[4].value(QStringLiteral("tool")).toString(), QStringLiteral("shell"));
        QCOMPARE(rows[4].value(QStringLiteral("file_changes")).toArray().at(0)[QStringLiteral("path")].toString(),
                 QStringLiteral("stock/csv.py"));
        QCOMPARE(rows[5].value(QStringLiteral("fix_steps")).toArray(), (QJsonArray{2, 3, 4}));
        QVERIFY(rows[0].value(QStringLiteral("diff")).isNull());

        // ATIF: the edit's diff in the observation and, byte for byte, in extra.
        QFile atif(out + QStringLiteral("/atif/%1.json").arg(sessionId));
        QVERIFY(atif.open(QIODevice::ReadOnly));
        const QJsonArray atifSteps =
            QJsonDocument::fromJson(atif.readAll()).object().value(QStringLiteral("steps")).toArray();
        const QJsonObject atifEdit = atifSteps.at(2).toObject();
        QCOMPARE(atifEdit[QStringLiteral("tool_calls")][0][QStringLiteral("function_name")].toString(),
                 QStringLiteral("edit"));
        QCOMPARE(atifEdit[QStringLiteral("extra")][QStringLiteral("diff")].toString(),
                 rows[2].value(QStringLiteral("diff")).toString());
        QCOMPARE(
            atifEdit[QStringLiteral("observation")][QStringLiteral("results")][0][QStringLiteral("content")].toString(),
            rows[2].value(QStringLiteral("diff")).toString());
    }
    const Cli bad = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai"),
                               QStringLiteral("--out"), outputs.filePath(QStringLiteral("bad")),
                               QStringLiteral("--edit-style"), QStringLiteral("ed")});
    QCOMPARE(bad.exitCode, 2);
    QVERIFY2(bad.err.contains("unknown --edit-style 'ed'; use str_replace or apply_patch"), bad.err.constData());
}

QTEST_GUILESS_MAIN(TestEditChains)
#include "TestEditChains.moc"
