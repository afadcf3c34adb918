#include "capture/redact/RedactionRules.h"
#include "capture/redact/Redactor.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

// The user's own rules (redact.conf): how they are added, checked and read from a file.
class TestRedactionRules final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void userRules();
    void userRuleErrorsNameTheProblem_data();
    void userRuleErrorsNameTheProblem();
    void userFile();
    void userFileErrorNamesTheLine();
};

void TestRedactionRules::userRules()
{
    capture::RedactionRules rules = capture::RedactionRules::builtIn();
    QString error;
    QVERIFY2(rules.addUserRule(QStringLiteral("employee-id"), QStringLiteral("EMP-[0-9]{6}"), &error),
             qPrintable(error));
    QVERIFY2(rules.addUserRule(QStringLiteral("codename"), QStringLiteral("(?i)projekt (grün\\w*)"), &error),
             qPrintable(error));
    const capture::Redactor redactor(rules);
    std::string text = "grep EMP-123456 staff.csv # Projekt GRÜN but not EMP-12345";
    google::protobuf::RepeatedPtrField<v1::Redaction> redactions;
    QCOMPARE(redactor.redact(text, "command", &redactions), 1);
    QCOMPARE(QByteArray::fromStdString(text),
             QByteArray("grep [REDACTED:employee-id] staff.csv # Projekt GRÜN but not EMP-12345"));
    // A non-ASCII literal in a user pattern matches its UTF-8 bytes.
    text = "echo Projekt grünkohl ok";
    QCOMPARE(redactor.redact(text, "command", nullptr), 1);
    QCOMPARE(QByteArray::fromStdString(text), QByteArray("echo Projekt [REDACTED:codename] ok"));
}

void TestRedactionRules::userRuleErrorsNameTheProblem_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad regex") << QStringLiteral("x") << QStringLiteral("ab(c")
                               << QStringLiteral("invalid regular expression");
    QTest::newRow("empty pattern") << QStringLiteral("x") << QString() << QStringLiteral("empty pattern");
    QTest::newRow("matches empty") << QStringLiteral("x") << QStringLiteral("a*")
                                   << QStringLiteral("matches empty text");
    QTest::newRow("bad name") << QStringLiteral("has space") << QStringLiteral("abc") << QStringLiteral("not valid");
}

void TestRedactionRules::userRuleErrorsNameTheProblem()
{
    QFETCH(QString, name);
    QFETCH(QString, pattern);
    QFETCH(QString, message);
    capture::RedactionRules rules;
    QString error;
    QVERIFY(!rules.addUserRule(name, pattern, &error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY(rules.rules().empty());
}

void TestRedactionRules::userFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("redact.conf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("# our internal formats\n\nticket-secret = TS-[A-F0-9]{8}\n  vault = hvs\\.[A-Za-z0-9]{20,}  \n");
    file.close();
    capture::RedactionRules rules;
    QString error;
    QVERIFY2(rules.addUserFile(path, &error), qPrintable(error));
    QCOMPARE(rules.rules().size(), size_t(2));
    const capture::Redactor redactor(rules);
    std::string text = "vault login hvs.CAESIJ0ab12cd34ef56gh78ij TS-DEADBEEF";
    QCOMPARE(redactor.redact(text, "command", nullptr), 2);
    QCOMPARE(text, std::string("vault login [REDACTED:vault] [REDACTED:ticket-secret]"));
    // A missing file is no error: most users have none.
    QVERIFY(rules.addUserFile(dir.filePath(QStringLiteral("missing.conf")), &error));

    // The environment decides where the default file is.
    qputenv("XDG_CONFIG_HOME", dir.path().toUtf8());
    QCOMPARE(capture::RedactionRules::defaultUserFile(), dir.path() + QStringLiteral("/trailmark/redact.conf"));
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("trailmark")));
    QVERIFY(QFile::copy(path, capture::RedactionRules::defaultUserFile()));
    const auto loaded = capture::RedactionRules::load(&error);
    QVERIFY2(loaded, qPrintable(error));
    QCOMPARE(loaded->rules().size(), capture::RedactionRules::builtIn().rules().size() + 2);
    qunsetenv("XDG_CONFIG_HOME");
}

void TestRedactionRules::userFileErrorNamesTheLine()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("redact.conf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("good = abc\n# comment\nbad = (unclosed\n");
    file.close();
    capture::RedactionRules rules;
    QString error;
    QVERIFY(!rules.addUserFile(path, &error));
    QVERIFY2(error.startsWith(path + QStringLiteral(":3: rule 'bad': invalid regular expression")), qPrintable(error));
    QVERIFY(rules.rules().empty()); // all or nothing

    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write("no equals sign here\n");
    file.close();
    QVERIFY(!rules.addUserFile(path, &error));
    QVERIFY2(error.contains(QStringLiteral(":1: expected 'name = regex'")), qPrintable(error));
}

QTEST_GUILESS_MAIN(TestRedactionRules)
#include "TestRedactionRules.moc"
