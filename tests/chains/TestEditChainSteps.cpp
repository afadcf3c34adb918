#include "EditChainFixture.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "chains/Review.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"
#include "chains/families/EventFamily.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;
using namespace trailmark::chains;
using namespace trailmark::test;

// The edit family's steps: stored FileEdit events become edit steps and command effects,
// recoveries name their fix, and a reviewer's redaction reaches the diff.
class TestEditChainSteps final : public EditChainFixture
{
    Q_OBJECT

private Q_SLOTS:
    void editBetweenFailureAndSuccessIsTheFix();
    void commandEffectsStayWithTheirCommand();
    void reviewerRedactsASpanOfADiff();
};

void TestEditChainSteps::editBetweenFailureAndSuccessIsTheFix()
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

void TestEditChainSteps::commandEffectsStayWithTheirCommand()
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
    QCOMPARE(sed.effectsFamily->effectLines(sed), QStringList{QStringLiteral("changed 1 file(s): src/io.c (+1 −1)")});
    QCOMPARE(trajectory->steps[2].recovers, 0);
    QCOMPARE(trajectory->steps[2].fixSteps, std::vector<int>{1}); // the sed -i was the fix
    const Step& gitCheckout = trajectory->steps[3];
    const QString line = gitCheckout.effectsFamily->effectLines(gitCheckout).value(0);
    QVERIFY2(line.startsWith(QStringLiteral("changed 200 file(s): src/module_000.c (+1 −1)")), qPrintable(line));
    QVERIFY2(line.endsWith(QStringLiteral("195 more")), qPrintable(line));
    // A reviewer can redact what the command wrote: the text offered is that FileEdit's diff.
    const auto texts = gitCheckout.effectsFamily->effectTexts(gitCheckout);
    QCOMPARE(texts.size(), size_t(1));
    QCOMPARE(texts[0].eventIndex, size_t(2));
    QVERIFY(QByteArray::fromStdString(texts[0].bytes).startsWith("diff --git a/src/module_000.c"));
    // The command is exported as the command; its effects as columns of its row.
    QCOMPARE(exportutil::chatCalls(sed, {}).size(), size_t(1));
    QCOMPARE(exportutil::chatCalls(sed, {}).front().tool, std::string_view("shell"));
}

void TestEditChainSteps::reviewerRedactsASpanOfADiff()
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
    const auto texts = step.family->redactableTexts(step);
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

QTEST_GUILESS_MAIN(TestEditChainSteps)
#include "TestEditChainSteps.moc"
