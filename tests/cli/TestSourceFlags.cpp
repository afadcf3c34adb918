// `record`'s capture flags, built from the source registry: the same flags, help and
// usage errors as when they were written out by hand, and the Settings that bind every
// recording under them.
#include "cli/SourceFlags.h"

#include <QCommandLineParser>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

class TestSourceFlags final : public QObject
{
    Q_OBJECT

private:
    // The choices `record ARGUMENTS` makes, or nullopt and the usage error.
    static std::optional<capture::SourceChoices> parse(const QStringList& arguments, QString* error)
    {
        const cli::SourceFlags flags;
        QCommandLineParser parser;
        flags.addTo(parser);
        if (!parser.parse(QStringList{QStringLiteral("record")} + arguments)) {
            *error = parser.errorText();
            return std::nullopt;
        }
        return flags.choices(parser, error);
    }

private Q_SLOTS:
    void initTestCase() { qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path())); }
    void init() { QSettings().clear(); }

    void describesWhatIsRecorded()
    {
        QCOMPARE(cli::SourceFlags::whatIsRecorded(),
                 QStringLiteral("window switches and titles, shell commands, file edits, notes (`trailmark note`), "
                                "screenshots, and with --gui-actions what is clicked and typed inside apps"));
    }

    void helpKeepsEveryFlag()
    {
        const cli::SourceFlags flags;
        QCommandLineParser parser;
        flags.addTo(parser);
        const QString help = parser.helpText();
        for (const char* line : {"--no-edits", "Record no file edits.", "--watch <DIR>", "--exclude-dir <DIR>",
                                 "--no-screenshots", "Take no screenshots in this session.", "--screenshot-delay <MS>",
                                 "--gui-actions", "Never record edits under DIR; repeatable."})
            QVERIFY2(help.contains(QLatin1String(line)), line);
    }

    void flagsTurnChoicesAwayFromTheirDefaults()
    {
        QString error;
        const auto defaults = parse({}, &error);
        QVERIFY2(defaults, qPrintable(error));
        QVERIFY(defaults->isOn(QStringLiteral("screenshots")));
        QVERIFY(defaults->isOn(QStringLiteral("edits")));
        QVERIFY(!defaults->isOn(QStringLiteral("guiActions")));
        QCOMPARE(defaults->number(QStringLiteral("screenshotDelay")), 300);

        const auto flagged =
            parse({QStringLiteral("--no-screenshots"), QStringLiteral("--no-edits"), QStringLiteral("--gui-actions"),
                   QStringLiteral("--screenshot-delay"), QStringLiteral("1500")},
                  &error);
        QVERIFY2(flagged, qPrintable(error));
        QVERIFY(!flagged->isOn(QStringLiteral("screenshots")));
        QVERIFY(!flagged->isOn(QStringLiteral("edits")));
        QVERIFY(flagged->isOn(QStringLiteral("guiActions")));
        QCOMPARE(flagged->number(QStringLiteral("screenshotDelay")), 1500);
    }

    // The Settings' file-edit choices bind `record` too; the Record tab's do not.
    void settingsBindRecordingsTheyApplyTo()
    {
        QTemporaryDir saved;
        QTemporaryDir given;
        QSettings().setValue(QStringLiteral("edits/watch"), QStringList{saved.path()});
        QSettings().setValue(QStringLiteral("capture/guiActions"), true);
        QString error;
        const auto choices = parse({QStringLiteral("--watch"), given.path()}, &error);
        QVERIFY2(choices, qPrintable(error));
        QCOMPARE(choices->directories(QStringLiteral("watch")), (QStringList{saved.path(), given.path()}));
        QVERIFY(!choices->isOn(QStringLiteral("guiActions")));

        QSettings().setValue(QStringLiteral("edits/enabled"), false);
        const auto off = parse({}, &error);
        QVERIFY2(off, qPrintable(error));
        QVERIFY(!off->isOn(QStringLiteral("edits")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("error");
        QTest::newRow("delay too long") << QStringList{QStringLiteral("--screenshot-delay"), QStringLiteral("60001")}
                                        << "--screenshot-delay needs milliseconds between 0 and 60000";
        QTest::newRow("delay not a number") << QStringList{QStringLiteral("--screenshot-delay"), QStringLiteral("soon")}
                                            << "--screenshot-delay needs milliseconds between 0 and 60000";
        QTest::newRow("no such folder") << QStringList{QStringLiteral("--watch"), QStringLiteral("/nonexistent/x")}
                                        << "--watch /nonexistent/x: no such directory";
    }
    void usageErrors()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, error);
        QString why;
        QVERIFY(!parse(arguments, &why));
        QCOMPARE(why, error);
    }

private:
    QTemporaryDir m_config;
};

QTEST_GUILESS_MAIN(TestSourceFlags)
#include "TestSourceFlags.moc"
