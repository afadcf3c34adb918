// findErrorText: which output says a command failed, and which only looks like it.
#include "chains/families/shell/ErrorText.h"

#include <QTest>

using namespace trailmark::chains;

class TestErrorText final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void errorText_data();
    void errorText();
};

void TestErrorText::errorText_data()
{
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("expected"); // the pattern found, or "" for none

    QTest::newRow("gcc") << QStringLiteral("x.c:3:5: error: expected ';'") << QStringLiteral("gcc x.c")
                         << QStringLiteral("error:");
    QTest::newRow("upper case") << QStringLiteral("ERROR: failed to solve") << QStringLiteral("docker build .")
                                << QStringLiteral("ERROR:");
    QTest::newRow("python exception") << QStringLiteral("Traceback (most recent call last):\n  File \"x.py\"")
                                      << QStringLiteral("python3 x.py") << QStringLiteral("Traceback");
    QTest::newRow("exception name alone")
        << QStringLiteral("ValueError: bad value") << QStringLiteral("./run") << QStringLiteral("Error:");
    QTest::newRow("inside a word is not an error")
        << QStringLiteral("stderror: 0, terror: none") << QStringLiteral("./stats") << QString();
    QTest::newRow("no such file") << QStringLiteral("cat: x: No such file or directory") << QStringLiteral("cat x")
                                  << QStringLiteral("No such file or directory");
    QTest::newRow("command not found") << QStringLiteral("zsh: command not found: gti") << QStringLiteral("gti")
                                       << QStringLiteral("command not found");
    QTest::newRow("pytest FAILED") << QStringLiteral("tests/a.py::t FAILED") << QStringLiteral("pytest")
                                   << QStringLiteral("FAILED");
    QTest::newRow("lower-case failed is prose")
        << QStringLiteral("0 failed, 12 passed") << QStringLiteral("pytest") << QString();
    QTest::newRow("git fatal") << QStringLiteral("fatal: not a git repository") << QStringLiteral("git log")
                               << QStringLiteral("fatal:");
    QTest::newRow("Fatal in prose") << QStringLiteral("Fatal attraction") << QStringLiteral("echo") << QString();
    QTest::newRow("go panic") << QStringLiteral("panic: runtime error") << QStringLiteral("go run .")
                              << QStringLiteral("panic:");
    QTest::newRow("first pattern wins") << QStringLiteral("fatal: x\nerror: y") << QStringLiteral("git x")
                                        << QStringLiteral("fatal:");
    QTest::newRow("pattern the command searches for")
        << QStringLiteral("a.log: FAILED job") << QStringLiteral("grep FAILED a.log") << QString();
    QTest::newRow("clean output") << QStringLiteral("all good\n") << QStringLiteral("make") << QString();
}

void TestErrorText::errorText()
{
    QFETCH(QString, output);
    QFETCH(QString, command);
    QFETCH(QString, expected);
    const QByteArray outputBytes = output.toUtf8();
    const QByteArray commandBytes = command.toUtf8();
    const auto found =
        findErrorText(std::string_view(outputBytes.constData(), static_cast<size_t>(outputBytes.size())),
                      std::string_view(commandBytes.constData(), static_cast<size_t>(commandBytes.size())));
    QCOMPARE(found.value_or(QString()), expected);
}

QTEST_GUILESS_MAIN(TestErrorText)
#include "TestErrorText.moc"
