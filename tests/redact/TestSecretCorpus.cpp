#include "TestSupport.h"
#include "capture/import/HistoryImporter.h"
#include "capture/redact/Redactor.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace trailmark;

// The second corpus of secret shapes (issue 26, part 3;
// tests/fixtures/redact/second_corpus.tsv), both sides: each secret is gone from the
// redacted command, each look-alike comes out byte for byte. figures() prints the counts
// the README quotes. The redactor runs before anything is stored, so every export (made
// from stored text only) holds no more than the database: storedNowhere() checks the
// database file itself.
class TestSecretCorpus final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void caught_data();
    void caught();
    void untouched_data();
    void untouched();
    void figures();
    void storedNowhere();

private:
    struct Secret
    {
        int line = 0;
        QByteArray value;
        QByteArray command;
    };
    struct LookAlike
    {
        int line = 0;
        QByteArray command;
    };
    std::vector<Secret> m_secrets;
    std::vector<LookAlike> m_lookAlikes;
};

namespace {

QByteArray redacted(const QByteArray& input, int* replacements = nullptr)
{
    static const capture::Redactor redactor;
    std::string text = input.toStdString();
    const int count = redactor.redact(text, "command", nullptr);
    if (replacements)
        *replacements = count;
    return QByteArray::fromStdString(text);
}

} // namespace

void TestSecretCorpus::initTestCase()
{
    QFile file(QStringLiteral(TRAILMARK_FIXTURES "/redact/second_corpus.tsv"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    int lineNumber = 0;
    while (!file.atEnd()) {
        ++lineNumber;
        QByteArray line = file.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QByteArrayList fields = line.split('\t');
        if (fields.size() == 3 && fields[0] == "secret")
            m_secrets.push_back({lineNumber, fields[1], fields[2]});
        else if (fields.size() == 2 && fields[0] == "keep")
            m_lookAlikes.push_back({lineNumber, fields[1]});
        else
            QFAIL(qPrintable(
                QStringLiteral("second_corpus.tsv:%1: not 'secret VALUE COMMAND' or 'keep COMMAND'").arg(lineNumber)));
    }
    QVERIFY(m_secrets.size() >= 60);
    QVERIFY(m_lookAlikes.size() >= 60);
}

void TestSecretCorpus::caught_data()
{
    QTest::addColumn<QByteArray>("command");
    QTest::addColumn<QByteArray>("secret");
    for (const Secret& secret : m_secrets)
        QTest::addRow("line %d", secret.line) << secret.command << secret.value;
}

void TestSecretCorpus::caught()
{
    QFETCH(QByteArray, command);
    QFETCH(QByteArray, secret);
    QVERIFY2(command.contains(secret), "the fixture's secret is not in its command");
    const QByteArray out = redacted(command);
    QVERIFY2(!out.contains(secret), out.constData());
    QVERIFY2(out.contains("[REDACTED:"), out.constData());
}

void TestSecretCorpus::untouched_data()
{
    QTest::addColumn<QByteArray>("command");
    for (const LookAlike& lookAlike : m_lookAlikes)
        QTest::addRow("line %d", lookAlike.line) << lookAlike.command;
}

void TestSecretCorpus::untouched()
{
    QFETCH(QByteArray, command);
    QCOMPARE(redacted(command), command);
}

void TestSecretCorpus::figures()
{
    size_t caught = 0;
    for (const Secret& secret : m_secrets) {
        if (!redacted(secret.command).contains(secret.value))
            ++caught;
    }
    size_t touched = 0;
    for (const LookAlike& lookAlike : m_lookAlikes) {
        int replacements = 0;
        redacted(lookAlike.command, &replacements);
        if (replacements > 0)
            ++touched;
    }
    qInfo("second corpus: redacted %zu of %zu secrets; false positives %zu of %zu look-alikes", caught,
          m_secrets.size(), touched, m_lookAlikes.size());
}

void TestSecretCorpus::storedNowhere()
{
    // The corpus as a bash history, imported through the same redactor the recorder uses.
    test::TempDatabase database;
    QByteArray history;
    for (const Secret& secret : m_secrets)
        history += secret.command + '\n';
    const QString path = QDir(database.directory()).filePath(QStringLiteral("bash_history"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(history), history.size());
    file.close();
    {
        auto store = database.open();
        QVERIFY(store);
        const capture::Redactor redactor;
        capture::ImportOptions options;
        options.format = capture::HistoryFormat::BashHistory;
        options.path = path;
        capture::HistoryImporter importer(*store, redactor);
        QString error;
        const auto summary = importer.run(
            options, [](const capture::ImportProblem&) {}, &error);
        QVERIFY2(summary, qPrintable(error));
        QCOMPARE(summary->commands, static_cast<qint64>(m_secrets.size()));
    }
    QByteArray stored;
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        QFile part(database.path() + suffix);
        if (part.open(QIODevice::ReadOnly))
            stored += part.readAll();
    }
    QVERIFY(stored.contains("[REDACTED:fed-secret]"));
    for (const Secret& secret : m_secrets)
        QVERIFY2(!stored.contains(secret.value), secret.value.constData());
}

QTEST_GUILESS_MAIN(TestSecretCorpus)
#include "TestSecretCorpus.moc"
