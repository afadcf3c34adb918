// The capture-source registry: what each source declares (flags, settings keys, the
// words it says where it cannot run) stays what users and their config files know, and
// where a recording's choices come from.
#include "capture/Platform.h"
#include "capture/SourceChoices.h"
#include "capture/SourceDeclaration.h"
#include "capture/SourceRegistry.h"

#include <QDir>
#include <QSet>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

class TestSourceRegistry final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        // Settings go to a scratch config home, never the developer's.
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    }
    void init() { QSettings().clear(); }

    void sourcesStartInTheirOrder()
    {
        QStringList names;
        for (const capture::SourceDeclaration* source : capture::sources::all())
            names.append(source->name);
        // Window activity first, GUI actions after file edits, as recordings always started them.
        QCOMPARE(names,
                 (QStringList{QStringLiteral("windows"), QStringLiteral("shell"), QStringLiteral("edits"),
                              QStringLiteral("notes"), QStringLiteral("screenshots"), QStringLiteral("gui-actions")}));
        QCOMPARE(capture::sources::named(QStringLiteral("edits")), capture::sources::all()[2]);
        QVERIFY(!capture::sources::named(QStringLiteral("nope")));
    }

    // Users' settings files and scripts hold these: a source moving house keeps them.
    void flagsAndSettingsKeysStay_data()
    {
        QTest::addColumn<QString>("id");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QVariant>("defaultValue");
        QTest::addColumn<bool>("onRecordTab");
        QTest::newRow("screenshots") << "screenshots"
                                     << "no-screenshots"
                                     << "capture/screenshots" << QVariant(true) << true;
        QTest::newRow("delay") << "screenshotDelay"
                               << "screenshot-delay" << QString() << QVariant(300) << false;
        QTest::newRow("gui actions") << "guiActions"
                                     << "gui-actions"
                                     << "capture/guiActions" << QVariant(false) << true;
        QTest::newRow("edits") << "edits"
                               << "no-edits"
                               << "edits/enabled" << QVariant(true) << false;
        QTest::newRow("watch") << "watch"
                               << "watch"
                               << "edits/watch" << QVariant(QStringList()) << false;
        QTest::newRow("exclude") << "excludeDirs"
                                 << "exclude-dir"
                                 << "edits/exclude" << QVariant(QStringList()) << false;
        QTest::newRow("hotkey") << "noteHotkey" << QString() << "capture/noteHotkey"
                                << QVariant(QStringLiteral("Ctrl+Alt+N")) << false;
    }
    void flagsAndSettingsKeysStay()
    {
        QFETCH(QString, id);
        QFETCH(QString, flag);
        QFETCH(QString, key);
        QFETCH(QVariant, defaultValue);
        QFETCH(bool, onRecordTab);
        const capture::SourceOption* option = capture::sources::option(id);
        QVERIFY(option);
        QCOMPARE(QString::fromUtf8(option->flag.name), flag);
        QCOMPARE(QString::fromUtf8(option->settings.key), key);
        QCOMPARE(capture::defaultValue(*option), defaultValue);
        QCOMPARE(capture::SourceChoices().value(id), defaultValue);
        QCOMPARE(option->onRecordTab(), onRecordTab);
    }

    void idsFlagsAndKeysAreUnique()
    {
        QSet<QString> ids;
        QSet<QString> flags;
        QSet<QString> keys;
        int options = 0;
        for (const capture::SourceDeclaration* source : capture::sources::all()) {
            QVERIFY(source->addTo);
            for (const capture::SourceOption& option : source->options) {
                ++options;
                ids.insert(QString::fromUtf8(option.id));
                if (option.flag.name != nullptr)
                    flags.insert(QString::fromUtf8(option.flag.name));
                if (option.settings.key != nullptr)
                    keys.insert(QString::fromUtf8(option.settings.key));
                // A flag with no help would be a bare line in `record --help`.
                QCOMPARE(option.flag.name == nullptr, option.flag.help == nullptr);
            }
        }
        QCOMPARE(ids.size(), options);
        QCOMPARE(flags.size(), 6);
        QCOMPARE(keys.size(), 6);
    }

    // `record` obeys the Settings that bind every recording, not the Record tab's last
    // choice; the app's recording takes both.
    void whereChoicesComeFrom()
    {
        QTemporaryDir notes;
        QSettings().setValue(QStringLiteral("capture/screenshots"), false);
        QSettings().setValue(QStringLiteral("capture/guiActions"), true);
        QSettings().setValue(QStringLiteral("edits/enabled"), false);
        QSettings().setValue(QStringLiteral("edits/watch"),
                             QStringList{notes.path() + QStringLiteral("/"), notes.path(), QStringLiteral(" ")});
        const capture::SourceChoices standing = capture::SourceChoices::standingSettings();
        QVERIFY(standing.isOn(QStringLiteral("screenshots")));
        QVERIFY(!standing.isOn(QStringLiteral("guiActions")));
        QVERIFY(!standing.isOn(QStringLiteral("edits")));
        QCOMPARE(standing.directories(QStringLiteral("watch")), QStringList{QDir::cleanPath(notes.path())});
        QVERIFY(standing.announcements().isEmpty());

        const capture::SourceChoices app = capture::SourceChoices::fromSettings();
        QVERIFY(!app.isOn(QStringLiteral("screenshots")));
        QVERIFY(app.isOn(QStringLiteral("guiActions")));
        QVERIFY(!app.isOn(QStringLiteral("edits")));
        QCOMPARE(app.announcements(), QStringList{QStringLiteral("clicks and keys")});
    }

    void savedFoldersAreClean()
    {
        const capture::SourceOption* watch = capture::sources::option(QStringLiteral("excludeDirs"));
        QVERIFY(watch);
        capture::saveValue(*watch, QStringList{QStringLiteral("~/a/../b/"), QStringLiteral("~/b")});
        QCOMPARE(QSettings().value(QStringLiteral("edits/exclude")).toStringList(),
                 QStringList{QDir::homePath() + QStringLiteral("/b")});
        QCOMPARE(capture::savedValue(*watch).toStringList(), QStringList{QDir::homePath() + QStringLiteral("/b")});
    }

    // Where a platform cannot run a source yet, its declared needs say so: on Wayland
    // every source that needs X11 is honestly "not supported yet", named as before.
    void platformsWeCannotRunSaySo()
    {
        qputenv("WAYLAND_DISPLAY", "wayland-0");
        QStringList reported;
        for (const capture::SourceDeclaration* source : capture::sources::all()) {
            const capture::SourceNeed* missing = capture::firstUnmetNeed(source->needs);
            if (missing == nullptr)
                continue;
            reported.append(QString::fromUtf8(missing->reportedAs));
            QVERIFY2(missing->missingHere().contains(QStringLiteral("not supported yet")),
                     qPrintable(missing->missingHere()));
            QVERIFY(!missing->missingHere().contains(QStringLiteral("%1")));
        }
        qunsetenv("WAYLAND_DISPLAY");
        QCOMPARE(reported, (QStringList{QStringLiteral("wayland-toplevels"), QStringLiteral("screenshots"),
                                        QStringLiteral("gui-actions")}));
        // On X11 (this test's display, or none) nothing is missing but the build's X11.
        for (const capture::SourceDeclaration* source : capture::sources::all()) {
            const capture::SourceNeed* missing = capture::firstUnmetNeed(source->needs);
            QCOMPARE(missing != nullptr, !capture::platform::hasX11Build() && !source->needs.empty());
        }
    }

private:
    QTemporaryDir m_config;
};

QTEST_GUILESS_MAIN(TestSourceRegistry)
#include "TestSourceRegistry.moc"
