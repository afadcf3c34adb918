#include "AtuinFixture.h"
#include "GoldenSessions.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QProcess>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace trailmark;

// `trailmark export --format all` of a fixed set of sessions, byte for byte against the
// files under tests/fixtures/golden-exports: a change meant to keep behaviour (a
// refactor) must keep every exported byte. The sessions are tests/chains/GoldenSessions
// plus tests/fixtures/chains/messy_atuin.sql through `trailmark import`.
//
// Only what is not the export's to decide is normalised: the store draws session, event
// and annotation ids at random, so each id (in file contents and file names) is replaced
// by a placeholder of the same length, numbered in the store's order (sessions by start,
// then their events and annotations). Every time is fixed; TZ=UTC for the task text the
// import generates from local times. Nothing else is touched: an export that wrote the
// time of day or a temporary path would fail here.
//
// A deliberate format change: TRAILMARK_UPDATE_GOLDEN=1 ctest -R test_golden_exports
// rewrites the files; review them with git diff.
class TestGoldenExports final : public QObject
{
    Q_OBJECT

private:
    struct Result
    {
        int exitCode = -1;
        QString err;
    };
    Result trailmark(const QStringList& arguments);
    void collectIds(store::Store& store);
    QByteArray normalised(QByteArray bytes);

    test::TempDatabase m_database;
    QTemporaryDir m_work;
    QHash<QByteArray, QByteArray> m_placeholders; // id text -> placeholder of the same length
    QSet<QByteArray> m_unknownIds;
    QMap<QString, QByteArray> m_exported; // path under the export folder -> normalised bytes
    QMap<QString, QByteArray> m_golden;

private Q_SLOTS:
    void initTestCase();
    void sameFiles();
    void sameBytes_data();
    void sameBytes();
    void everyIdIsTheStores();
};

namespace {

const QString kGoldenFolder = QStringLiteral(TRAILMARK_FIXTURES "/golden-exports");

bool isHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// Where a canonical lowercase UUID text starts at i.
bool isUuidAt(const QByteArray& bytes, qsizetype i)
{
    if (i + 36 > bytes.size())
        return false;
    for (qsizetype k = 0; k < 36; ++k) {
        const char c = bytes.at(i + k);
        const bool dash = k == 8 || k == 13 || k == 18 || k == 23;
        if (dash ? c != '-' : !isHex(c))
            return false;
    }
    return true;
}

} // namespace

TestGoldenExports::Result TestGoldenExports::trailmark(const QStringList& arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TZ"), QStringLiteral("UTC"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), m_database.path()} + arguments);
    Result result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.err = QString::fromUtf8(process.readAllStandardError() + process.readAllStandardOutput());
    return result;
}

void TestGoldenExports::collectIds(store::Store& store)
{
    QString error;
    auto summaries = store.sessionSummaries(&error);
    QVERIFY2(summaries, qPrintable(error));
    std::stable_sort(summaries->begin(), summaries->end(),
                     [](const auto& a, const auto& b) { return a.session.started_ns() < b.session.started_ns(); });
    const auto add = [this](const std::string& id) {
        if (!id.empty() && !m_placeholders.contains(QByteArray::fromStdString(id)))
            m_placeholders.insert(QByteArray::fromStdString(id),
                                  QStringLiteral("00000000-0000-7000-8000-%1")
                                      .arg(m_placeholders.size() + 1, 12, 10, QLatin1Char('0'))
                                      .toLatin1());
    };
    for (const auto& summary : *summaries) {
        const QString id = QString::fromStdString(summary.session.id());
        add(summary.session.id());
        for (const v1::Event& event : test::eventsOf(store, id))
            add(event.id());
        const auto annotations = store.annotations(id, &error);
        QVERIFY2(annotations, qPrintable(error));
        for (const v1::Annotation& annotation : *annotations)
            add(annotation.id());
    }
}

QByteArray TestGoldenExports::normalised(QByteArray bytes)
{
    for (qsizetype i = 0; i + 36 <= bytes.size(); ++i) {
        if (bytes.at(i + 8) != '-' || !isUuidAt(bytes, i))
            continue;
        const QByteArray id = bytes.mid(i, 36);
        const auto placeholder = m_placeholders.constFind(id);
        if (placeholder == m_placeholders.cend())
            m_unknownIds.insert(id);
        else
            bytes.replace(i, 36, *placeholder);
        i += 35;
    }
    return bytes;
}

void TestGoldenExports::initTestCase()
{
    {
        auto store = m_database.open();
        QVERIFY(store);
        test::createGoldenSessions(*store);
    }
    const QString atuin = m_work.filePath(QStringLiteral("history.db"));
    QFile rows(QStringLiteral(TRAILMARK_FIXTURES "/chains/messy_atuin.sql"));
    QVERIFY(rows.open(QIODevice::ReadOnly));
    QVERIFY(test::executeSql(atuin, test::atuinSchema() + rows.readAll()));
    Result result = trailmark({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("atuin"), atuin});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    {
        auto store = m_database.open();
        QVERIFY(store);
        collectIds(*store);
    }

    const QString folder = m_work.filePath(QStringLiteral("export"));
    result = trailmark(
        {QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("all"), QStringLiteral("--out"), folder});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    const auto files = test::filesUnder(folder);
    for (auto it = files.cbegin(); it != files.cend(); ++it)
        m_exported.insert(QString::fromUtf8(normalised(it.key().toUtf8())), normalised(it.value()));

    if (qEnvironmentVariableIntValue("TRAILMARK_UPDATE_GOLDEN") == 1) {
        QDir(kGoldenFolder).removeRecursively();
        for (auto it = m_exported.cbegin(); it != m_exported.cend(); ++it) {
            const QString path = kGoldenFolder + QLatin1Char('/') + it.key();
            QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
            QFile file(path);
            QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
            QCOMPARE(file.write(it.value()), it.value().size());
        }
        qInfo("rewrote %lld golden files in %s", static_cast<long long>(m_exported.size()), qPrintable(kGoldenFolder));
    }
    m_golden = test::filesUnder(kGoldenFolder);
}

void TestGoldenExports::sameFiles()
{
    QVERIFY2(m_golden.size() >= 10, "no golden files: run once with TRAILMARK_UPDATE_GOLDEN=1");
    QCOMPARE(m_exported.keys(), m_golden.keys());
}

void TestGoldenExports::sameBytes_data()
{
    QTest::addColumn<QString>("path");
    for (auto it = m_golden.cbegin(); it != m_golden.cend(); ++it)
        QTest::newRow(qPrintable(it.key())) << it.key();
}

void TestGoldenExports::sameBytes()
{
    QFETCH(QString, path);
    QVERIFY2(m_exported.contains(path), "not exported any more");
    const QByteArray& exported = m_exported[path];
    const QByteArray& golden = m_golden[path];
    if (exported == golden)
        return;
    // The first difference, with its line, so a failure says what changed.
    qsizetype at = 0;
    while (at < exported.size() && at < golden.size() && exported.at(at) == golden.at(at))
        ++at;
    const qsizetype lineStart = at > 0 ? golden.lastIndexOf('\n', at - 1) + 1 : 0;
    const auto lineAt = [&](const QByteArray& bytes) {
        return bytes.mid(lineStart, 300).split('\n').first();
    };
    QFAIL(qPrintable(QStringLiteral("differs at byte %1 (of %2, golden %3)\nexported: %4\ngolden:   %5")
                         .arg(at)
                         .arg(exported.size())
                         .arg(golden.size())
                         .arg(QString::fromUtf8(lineAt(exported)), QString::fromUtf8(lineAt(golden)))));
}

void TestGoldenExports::everyIdIsTheStores()
{
    // An id the store does not hold would be drawn by the export itself: not golden.
    QVERIFY2(m_unknownIds.isEmpty(), m_unknownIds.values().join(' ').constData());
}

QTEST_GUILESS_MAIN(TestGoldenExports)
#include "TestGoldenExports.moc"
