#include "ExportCliFixture.h"
#include "SessionScript.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QCryptographicHash>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace trailmark;

// `trailmark export` end to end: the real binary writes the folder, the real consumers
// (python3 json, pandas, protobuf; tests/python/validate_export.py) load every file.
class TestExport final : public ExportCliFixture
{
    Q_OBJECT

private:
    Result validate(const QString& folder, const QStringList& extra);

    test::MessySession m_messy;
    QString m_second;
    // Sessions with at least one action; the note-only session is left out of chat formats.
    int m_sessionsWithActions = 0;
    int m_steps = 0;
    qint64 m_events = 0;

private Q_SLOTS:
    void initTestCase();
    void consumersLoadEveryFormat_data();
    void consumersLoadEveryFormat();
    void sameDatabaseGivesIdenticalFiles();
    void nonEmptyFolderNeedsForce();
    void acceptedOnlyAndSessionFilter();
    void chainsMarkRetriesAsAReviewerWould();
    void badArgumentsFailClearly();
    void validatorRejectsBrokenRows();
};

TestExport::Result TestExport::validate(const QString& folder, const QStringList& extra)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_PYTHON),
                  QStringList{QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/validate_export.py"), folder,
                              QStringLiteral("--sessions"), QString::number(m_sessionsWithActions),
                              QStringLiteral("--steps"), QString::number(m_steps), QStringLiteral("--all-sessions"),
                              QStringLiteral("4"), QStringLiteral("--events"), QString::number(m_events),
                              QStringLiteral("--protoc"), QStringLiteral(TRAILMARK_PROTOC)} +
                      extra);
    Result result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

void TestExport::initTestCase()
{
    // For a look at the files by hand: TRAILMARK_TEST_KEEP=1 keeps the exports.
    if (qEnvironmentVariableIsSet("TRAILMARK_TEST_KEEP")) {
        m_outputs.setAutoRemove(false);
        qInfo("exports kept in %s", qPrintable(m_outputs.path()));
    }
    auto store = m_database.open();
    QVERIFY(store);
    m_messy = test::createMessySession(*store);
    // A second, rejected session in another shell setup, and one with only a note.
    const auto second =
        test::createMessySession(*store, QStringLiteral("second try at the parser"), 1'767'312'000'000'000'000, false);
    m_second = second.sessionId;
    const QString notesOnly = test::createSession(*store, QStringLiteral("just thinking"));
    {
        test::SessionScript script(*store, notesOnly, 1'767'400'000'000'000'000);
        script.note(QStringLiteral("nothing to run yet"));
        QVERIFY(script.flush());
    }
    // And one whose commands end every other way: a search that finds nothing, a dev
    // server stopped with Ctrl-C, and a command the recording ended before it finished.
    const QString otherEnds = test::createSession(*store, QStringLiteral("find where totals are rounded"));
    {
        test::SessionScript script(*store, otherEnds, 1'767'500'000'000'000'000);
        script.command("grep -rn round_total src/", 1);
        script.advanceMs(3000);
        script.command("npm run dev", 130, "> dev\n> vite\n\n  VITE v5.2.0  ready in 312 ms\n^C",
                       QStringLiteral("shell-A"), 95'000);
        script.advanceMs(2000);
        script.startCommand("pytest -k rounding");
        QVERIFY(script.flush());
    }
    m_sessionsWithActions = 3;
    m_steps = 12 + 12 + 1 + 3;
    QString error;
    for (const QString& id : {m_messy.sessionId, m_second, notesOnly, otherEnds})
        m_events += store->eventCount(id, &error).value_or(0);
    QCOMPARE(m_events, 2 * 19 + 1 + 5);
}

void TestExport::consumersLoadEveryFormat_data()
{
    QTest::addColumn<QString>("formats");
    QTest::newRow("agent-chain") << QStringLiteral("agent-chain");
    QTest::newRow("openai") << QStringLiteral("openai");
    QTest::newRow("openai-reasoning") << QStringLiteral("openai-reasoning");
    QTest::newRow("sharegpt") << QStringLiteral("sharegpt");
    QTest::newRow("atif") << QStringLiteral("atif");
    QTest::newRow("reasoning") << QStringLiteral("reasoning");
    QTest::newRow("react") << QStringLiteral("react");
    QTest::newRow("protobuf") << QStringLiteral("protobuf");
    QTest::newRow("hf with two formats") << QStringLiteral("agent-chain,reasoning,hf");
    QTest::newRow("all") << QStringLiteral("all");
}

void TestExport::consumersLoadEveryFormat()
{
    QFETCH(QString, formats);
    const QString folder = m_outputs.filePath(QStringLiteral("every-") + formats);
    const Result exported =
        trailmark({QStringLiteral("export"), QStringLiteral("--format"), formats, QStringLiteral("--out"), folder});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QVERIFY2(exported.err.contains(QStringLiteral("exported 4 session(s), 28 step(s)")), qPrintable(exported.err));
    // Not a terminal here: plain progress lines, ending at 100%.
    QVERIFY2(exported.err.contains(QStringLiteral("export: 100%")), qPrintable(exported.err));
    QCOMPARE(test::modeOf(folder) & 0077, 0);
    const QString all = QStringLiteral("agent-chain,openai,openai-reasoning,sharegpt,atif,reasoning,react,protobuf,hf");
    // The sessions hold a case of every rule that needs one (a retried failure, a
    // reviewer's rating, unrated steps, thoughts): the validator fails if one is missing.
    const Result checked =
        validate(folder, {QStringLiteral("--formats"), formats == QLatin1String("all") ? all : formats,
                          QStringLiteral("--require-coverage")});
    QVERIFY2(checked.exitCode == 0, qPrintable(checked.out + checked.err));
}

void TestExport::sameDatabaseGivesIdenticalFiles()
{
    const QString first = m_outputs.filePath(QStringLiteral("deterministic-1"));
    const QString second = m_outputs.filePath(QStringLiteral("deterministic-2"));
    QCOMPARE(
        trailmark({QStringLiteral("export"), QStringLiteral("--format=all"), QStringLiteral("--out"), first}).exitCode,
        0);
    QTest::qWait(20); // a different wall clock second time round must not matter
    QCOMPARE(
        trailmark({QStringLiteral("export"), QStringLiteral("--format=all"), QStringLiteral("--out"), second}).exitCode,
        0);
    const auto a = test::filesUnder(first);
    const auto b = test::filesUnder(second);
    QVERIFY(a.size() >= 5);
    QCOMPARE(a.keys(), b.keys());
    for (auto it = a.cbegin(); it != a.cend(); ++it)
        QVERIFY2(it.value() == b.value(it.key()), qPrintable(it.key()));

    // Without protobuf the sessions are derived and rendered on every core: the files
    // are those of one thread, byte for byte (and with it, the sessions in the same
    // order), whether each session's rows are held until its turn or, with a hold limit
    // of one byte, every session waits for its turn at its first row.
    const QString formats =
        QStringLiteral("--format=agent-chain,openai,openai-reasoning,sharegpt,atif,reasoning,react,hf");
    const QString threaded = m_outputs.filePath(QStringLiteral("deterministic-threads"));
    const QString single = m_outputs.filePath(QStringLiteral("deterministic-one-thread"));
    QCOMPARE(trailmark({QStringLiteral("export"), formats, QStringLiteral("--out"), threaded}).exitCode, 0);
    qputenv("TRAILMARK_EXPORT_THREADS", "1");
    const int singleExit = trailmark({QStringLiteral("export"), formats, QStringLiteral("--out"), single}).exitCode;
    qunsetenv("TRAILMARK_EXPORT_THREADS");
    QCOMPARE(singleExit, 0);
    const QString waiting = m_outputs.filePath(QStringLiteral("deterministic-threads-waiting"));
    qputenv("TRAILMARK_EXPORT_THREADS", "3");
    qputenv("TRAILMARK_EXPORT_HOLD_BYTES", "1");
    const int waitingExit = trailmark({QStringLiteral("export"), formats, QStringLiteral("--out"), waiting}).exitCode;
    qunsetenv("TRAILMARK_EXPORT_THREADS");
    qunsetenv("TRAILMARK_EXPORT_HOLD_BYTES");
    QCOMPARE(waitingExit, 0);
    const auto c = test::filesUnder(threaded);
    const auto d = test::filesUnder(single);
    const auto e = test::filesUnder(waiting);
    QVERIFY(c.size() >= 5);
    QCOMPARE(c.keys(), d.keys());
    QCOMPARE(e.keys(), d.keys());
    for (auto it = c.cbegin(); it != c.cend(); ++it) {
        QVERIFY2(it.value() == d.value(it.key()), qPrintable(it.key()));
        QVERIFY2(e.value(it.key()) == d.value(it.key()), qPrintable(it.key()));
    }
}

void TestExport::nonEmptyFolderNeedsForce()
{
    const QString folder = m_outputs.filePath(QStringLiteral("busy"));
    QVERIFY(QDir().mkpath(folder));
    QFile precious(folder + QStringLiteral("/thesis.tex"));
    QVERIFY(precious.open(QIODevice::WriteOnly));
    precious.write("important");
    precious.close();
    Result result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai"),
                               QStringLiteral("--out"), folder});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("exists and is not empty")) &&
                 result.err.contains(QStringLiteral("--force")),
             qPrintable(result.err));
    // --force never deletes a folder that is not an earlier export.
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai"),
                        QStringLiteral("--out"), folder, QStringLiteral("--force")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("not a Trailmark export")), qPrintable(result.err));
    QVERIFY(QFile::exists(precious.fileName()));

    // An earlier export is replaced with --force, and only then.
    const QString earlier = m_outputs.filePath(QStringLiteral("earlier"));
    QCOMPARE(trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai"),
                        QStringLiteral("--out"), earlier})
                 .exitCode,
             0);
    QCOMPARE(trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("sharegpt"),
                        QStringLiteral("--out"), earlier})
                 .exitCode,
             1);
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("sharegpt"),
                        QStringLiteral("--out"), earlier, QStringLiteral("--force")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY(QFile::exists(earlier + QStringLiteral("/sharegpt/train.jsonl")));
    QVERIFY(!QFile::exists(earlier + QStringLiteral("/openai/train.jsonl")));
    // No temporary folders left next to it.
    QCOMPARE(QDir(m_outputs.path()).entryList({QStringLiteral("earlier*")}, QDir::Dirs),
             QStringList{QStringLiteral("earlier")});
}

void TestExport::acceptedOnlyAndSessionFilter()
{
    const QString accepted = m_outputs.filePath(QStringLiteral("accepted"));
    Result result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("agent-chain"),
                               QStringLiteral("--out"), accepted, QStringLiteral("--accepted-only")});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QVERIFY2(result.err.contains(QStringLiteral("exported 1 session(s), 12 step(s)")), qPrintable(result.err));
    QFile rows(accepted + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(rows.open(QIODevice::ReadOnly));
    const QByteArray all = rows.readAll();
    QCOMPARE(all.count('\n'), 12);
    QVERIFY(all.contains(m_messy.sessionId.toUtf8()));
    QVERIFY(!all.contains(m_second.toUtf8()));

    const QString chosen = m_outputs.filePath(QStringLiteral("chosen"));
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("agent-chain"),
                        QStringLiteral("--out"), chosen, QStringLiteral("--session"), m_second.left(18)});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QFile chosenRows(chosen + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chosenRows.open(QIODevice::ReadOnly));
    const QByteArray chosenAll = chosenRows.readAll();
    QCOMPARE(chosenAll.count('\n'), 12);
    QVERIFY(chosenAll.contains(m_second.toUtf8()));
}

void TestExport::chainsMarkRetriesAsAReviewerWould()
{
    const QString folder = m_outputs.filePath(QStringLiteral("marks"));
    QCOMPARE(trailmark({QStringLiteral("export"), QStringLiteral("--format"),
                        QStringLiteral("agent-chain,openai,openai-reasoning"), QStringLiteral("--out"), folder,
                        QStringLiteral("--session"), m_messy.sessionId})
                 .exitCode,
             0);
    QFile chain(folder + QStringLiteral("/agent_chain/train.jsonl"));
    QVERIFY(chain.open(QIODevice::ReadOnly));
    QList<QJsonObject> steps;
    while (!chain.atEnd())
        steps.append(QJsonDocument::fromJson(chain.readLine()).object());
    QCOMPARE(steps.size(), 12);
    QCOMPARE(steps.at(2).value(QStringLiteral("outcome")).toString(), QStringLiteral("error"));
    QCOMPARE(steps.at(2).value(QStringLiteral("retried_by")).toInt(), 7);
    QCOMPARE(steps.at(7).value(QStringLiteral("retry_of")).toInt(), 2);
    QCOMPARE(steps.at(7).value(QStringLiteral("recovers")).toInt(), 2);
    QCOMPARE(steps.at(7).value(QStringLiteral("labels")).toArray().first().toString(), QStringLiteral("good-recovery"));
    QCOMPARE(steps.at(4).value(QStringLiteral("thought")).toString(),
             QStringLiteral("quotes are not unescaped before splitting"));
    QCOMPARE(steps.at(8).value(QStringLiteral("rating")).toInt(), -1);
    // The screenshot is copied once, content-addressed, with a relative path.
    const QString image = steps.at(5).value(QStringLiteral("images")).toArray().first().toString();
    QCOMPARE(image, QStringLiteral("images/%1.png").arg(QString::fromLatin1(m_messy.screenshotSha256.toHex())));
    QFile imageFile(folder + QLatin1Char('/') + image);
    QVERIFY(imageFile.open(QIODevice::ReadOnly));
    QCOMPARE(QCryptographicHash::hash(imageFile.readAll(), QCryptographicHash::Sha256), m_messy.screenshotSha256);
    // Lossless: the Latin-1 byte is in the base64 twin.
    QCOMPARE(QByteArray::fromBase64(steps.at(9).value(QStringLiteral("command_base64")).toString().toLatin1()),
             QByteArray("printf 'caf\xe9\\n' > latin1.txt"));

    // OpenAI: the failed attempt that was retried carries weight 0, the rest 1.
    QFile openai(folder + QStringLiteral("/openai/train.jsonl"));
    QVERIFY(openai.open(QIODevice::ReadOnly));
    const QJsonArray messages =
        QJsonDocument::fromJson(openai.readLine()).object().value(QStringLiteral("messages")).toArray();
    QStringList weights;
    for (const auto& message : messages) {
        const QJsonObject object = message.toObject();
        if (object.value(QStringLiteral("role")).toString() == QLatin1String("assistant") &&
            object.contains(QStringLiteral("tool_calls")))
            weights.append(QString::number(object.value(QStringLiteral("weight")).toInt()));
    }
    // Actions: XTerm, pytest(fail, retried), vim, Firefox, XTerm, pytest, make build, printf, serve.
    QCOMPARE(weights.join(QLatin1Char(',')), QStringLiteral("1,0,1,1,1,1,1,1,1"));
    // The thought is the assistant's content before its call (the vim call) in openai/,
    // and reasoning_content beside an empty content in openai_reasoning/.
    const QString thought = QStringLiteral("quotes are not unescaped before splitting");
    QCOMPARE(messages.at(6).toObject().value(QStringLiteral("content")).toString(), thought);
    QVERIFY(!messages.at(6).toObject().contains(QStringLiteral("reasoning_content")));
    QFile reasoning(folder + QStringLiteral("/openai_reasoning/train.jsonl"));
    QVERIFY(reasoning.open(QIODevice::ReadOnly));
    const QJsonObject withReasoning =
        QJsonDocument::fromJson(reasoning.readLine()).object()[QStringLiteral("messages")].toArray().at(6).toObject();
    QCOMPARE(withReasoning.value(QStringLiteral("reasoning_content")).toString(), thought);
    QCOMPARE(withReasoning.value(QStringLiteral("content")).toString(), QString());
}

void TestExport::badArgumentsFailClearly()
{
    Result result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"),
                               QStringLiteral("--out"), m_outputs.filePath(QStringLiteral("x"))});
    QCOMPARE(result.exitCode, 2);
    QVERIFY2(result.err.contains(QStringLiteral("unknown format 'csv'")) &&
                 result.err.contains(QStringLiteral("openai")),
             qPrintable(result.err));
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai")});
    QCOMPARE(result.exitCode, 2);
    QVERIFY(result.err.contains(QStringLiteral("--out DIR is required")));
    result = trailmark({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("openai"),
                        QStringLiteral("--out"), m_outputs.filePath(QStringLiteral("y")), QStringLiteral("--session"),
                        QStringLiteral("0000dead")});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(QStringLiteral("no session matches '0000dead'")), qPrintable(result.err));
    QVERIFY(!QFile::exists(m_outputs.filePath(QStringLiteral("y"))));
}

void TestExport::validatorRejectsBrokenRows()
{
    // The checks must be able to fail: tests/python/fixtures/broken_export holds rows that
    // break each consumer's rules (WHY.md there says which), among them this export's
    // own shapes before issue 13.
    const Result checked =
        validate(QStringLiteral(TRAILMARK_SOURCE_DIR "/tests/python/fixtures/broken_export"),
                 {QStringLiteral("--formats"), QStringLiteral("openai,openai-reasoning,sharegpt,reasoning,hf"),
                  QStringLiteral("--require-coverage")});
    QCOMPARE(checked.exitCode, 1);
    for (const char* expected : {
             "function arguments must be a JSON string",       // OpenAI
             "message_unrecognized_key ['reasoning_content']", // OpenAI, on openai/ only
             "missing_content",                                // OpenAI
             "weight 2 on a message of role assistant",        // OpenAI
             "weight 1 on a message of role tool",             // OpenAI
             "tool message answers unknown call",              // OpenAI
             "tool calls never answered",                      // OpenAI
             "tool messages at the end are never flushed",     // LLaMA-Factory OpenAI converter
             "expected every chat folder",                     // LLaMA-Factory dataset_info.json
             "columns must name messages and tools",           // LLaMA-Factory parser.py
             "no function turn: the tool calls are not read",  // LLaMA-Factory, openai/ as ShareGPT
             "turn 1 is observation",                          // LLaMA-Factory ShareGPT alternation
             "datasets cannot cast one to the other",          // HF json loader
             "datasets uses one for the whole card",           // HF card: one builder
             "the script removes exactly",                     // TRL prm800k.py
             "the export has no case of",                      // coverage of the rules
         })
        QVERIFY2(checked.out.contains(QLatin1String(expected)),
                 qPrintable(QLatin1String(expected) + QStringLiteral(" in ") + checked.out));
    // reasoning_content is the one key openai_reasoning/ may add.
    QVERIFY2(!checked.out.contains(QStringLiteral("openai_reasoning/train.jsonl:1: (OpenAI format check) message 1: "
                                                  "message_unrecognized_key")),
             qPrintable(checked.out));
}

QTEST_GUILESS_MAIN(TestExport)
#include "TestExport.moc"
