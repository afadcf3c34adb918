#include "capture/redact/Redactor.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTest>

#include <algorithm>

using namespace trailmark;

// The false-positive side of redaction, measured: a long history of ordinary commands
// (tests/fixtures/redact/ordinary_history.txt, written by make_ordinary_history.py: no
// secrets, but commit hashes, UUIDs, checksums, digests, paths, "-p" ports and commit
// messages about tokens) must come out almost untouched.
class TestOrdinaryHistory final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void touchesUnderOnePercent();
    void redactionSpeed();

private:
    std::vector<std::string> m_commands;
};

void TestOrdinaryHistory::initTestCase()
{
    QFile file(QStringLiteral(TRAILMARK_FIXTURES "/redact/ordinary_history.txt"));
    QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        if (line.endsWith('\n'))
            line.chop(1);
        if (!line.isEmpty())
            m_commands.push_back(line.toStdString());
    }
    QVERIFY(m_commands.size() >= 3000);
}

void TestOrdinaryHistory::touchesUnderOnePercent()
{
    const capture::Redactor redactor;
    size_t touched = 0;
    for (const std::string& command : m_commands) {
        std::string text = command;
        if (redactor.redact(text, "command", nullptr) > 0) {
            ++touched;
            qInfo("touched: %s\n     -> %s", command.c_str(), text.c_str());
        }
    }
    const double share = 100.0 * static_cast<double>(touched) / static_cast<double>(m_commands.size());
    // The figure the README quotes.
    qInfo("false positives: %zu of %zu ordinary commands touched (%.2f%%)", touched, m_commands.size(), share);
    QVERIFY2(share < 1.0, qPrintable(QStringLiteral("%1% of ordinary commands touched").arg(share)));
}

void TestOrdinaryHistory::redactionSpeed()
{
    const capture::Redactor redactor;
    constexpr int rounds = 20;
    QElapsedTimer timer;
    timer.start();
    qint64 redactions = 0;
    for (int round = 0; round < rounds; ++round) {
        for (const std::string& command : m_commands) {
            std::string text = command;
            redactions += redactor.redact(text, "command", nullptr);
        }
    }
    const double perCommand =
        static_cast<double>(timer.nsecsElapsed()) / 1e3 / static_cast<double>(rounds * m_commands.size());
    // Printed, not asserted: machines differ; bench_import has the reference figures.
    qInfo("redaction: %.2f us per ordinary command (%zu rules, %lld redactions)", perCommand,
          redactor.rules().rules().size(), static_cast<long long>(redactions));

    // Where the time goes: for each rule, on how many commands its keywords wake it and
    // what its pattern then costs. A rule that wakes on most commands needs better keywords.
    struct Cost
    {
        QString name;
        size_t woken = 0;
        qint64 nanoseconds = 0;
    };
    std::vector<Cost> costs;
    for (const capture::RedactionRule& rule : redactor.rules().rules()) {
        Cost cost{rule.name};
        QElapsedTimer ruleTimer;
        for (const std::string& command : m_commands) {
            const QByteArray lowered = QByteArray::fromStdString(command).toLower();
            if (std::none_of(rule.keywords.begin(), rule.keywords.end(),
                             [&](const QByteArray& keyword) { return lowered.contains(keyword); }))
                continue;
            ++cost.woken;
            const QString view = QString::fromLatin1(command.data(), static_cast<qsizetype>(command.size()));
            ruleTimer.start();
            auto matches = rule.pattern.globalMatch(view);
            while (matches.hasNext())
                matches.next();
            cost.nanoseconds += ruleTimer.nsecsElapsed();
        }
        costs.push_back(cost);
    }
    std::sort(costs.begin(), costs.end(), [](const Cost& a, const Cost& b) { return a.nanoseconds > b.nanoseconds; });
    for (size_t i = 0; i < std::min<size_t>(costs.size(), 8); ++i)
        qInfo("  %-24s woken on %4zu commands, %.3f us per command of the history", qPrintable(costs[i].name),
              costs[i].woken, static_cast<double>(costs[i].nanoseconds) / 1e3 / static_cast<double>(m_commands.size()));
}

QTEST_GUILESS_MAIN(TestOrdinaryHistory)
#include "TestOrdinaryHistory.moc"
