#include "EditChainFixture.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"
#include "chains/families/EventFamily.h"
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
using namespace trailmark::test;

// The edit family's chat calls: replayed by a str_replace editor or `git apply`, they
// turn the old files into the new ones, and the exports pass the consumers' checks.
class TestEditChains final : public EditChainFixture
{
    Q_OBJECT

private Q_SLOTS:
    void diffSplitsIntoFilesAndHunks();
    void strReplaceCallsReplayTheEdit_data();
    void strReplaceCallsReplayTheEdit();
    void applyPatchAppliesWithGitApply();
    void withheldFileGivesNoCallAndNoContent();
    void exportsPassConsumerChecksInBothStyles();
};

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
