#include "capture/redact/WindowExclusionFilter.h"
#include "trailmark/v1/event.pb.h"

#include <QTemporaryDir>
#include <QTest>

using namespace trailmark;

class TestWindowExclusionFilter final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtInRules_data()
    {
        QTest::addColumn<QString>("appClass");
        QTest::addColumn<QString>("instance");
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("exe");
        QTest::addColumn<bool>("excluded");
        QTest::newRow("keepassxc class") << "KeePassXC"
                                         << "keepassxc"
                                         << "Passwords.kdbx - KeePassXC"
                                         << "" << true;
        QTest::newRow("keepassxc exe only") << ""
                                            << ""
                                            << ""
                                            << "/usr/bin/keepassxc" << true;
        QTest::newRow("1password") << "1Password"
                                   << "1password"
                                   << "1Password"
                                   << "/opt/1Password/1password" << true;
        QTest::newRow("bitwarden") << "Bitwarden"
                                   << "bitwarden"
                                   << "Bitwarden"
                                   << "" << true;
        QTest::newRow("seahorse") << "Seahorse"
                                  << "seahorse"
                                  << "Passwords and Keys"
                                  << "" << true;
        QTest::newRow("gnome keyring prompt") << "Gcr-prompter"
                                              << "gcr-prompter"
                                              << "Unlock Login Keyring"
                                              << "" << true;
        QTest::newRow("qtpass") << "QtPass"
                                << "qtpass"
                                << "QtPass"
                                << "/usr/bin/qtpass" << true;
        QTest::newRow("pinentry") << "Pinentry-gtk-2"
                                  << "pinentry-gtk-2"
                                  << ""
                                  << "/usr/bin/pinentry-gtk-2" << true;
        QTest::newRow("firefox password dialog") << "firefox"
                                                 << "Navigator"
                                                 << "Password Required - Mozilla Firefox"
                                                 << "" << true;
        QTest::newRow("case does not matter") << "keepassxc"
                                              << ""
                                              << ""
                                              << "" << true;
        // Not excluded: words about passwords are not secrets.
        QTest::newRow("help page about passwords") << "firefox"
                                                   << "Navigator"
                                                   << "How to reset your password - Help"
                                                   << "/usr/lib/firefox/firefox" << false;
        QTest::newRow("editor on password code") << "Code"
                                                 << "code"
                                                 << "password_reset.py - project"
                                                 << "" << false;
        QTest::newRow("terminal") << "XTerm"
                                  << "xterm"
                                  << "man passwd"
                                  << "/usr/bin/xterm" << false;
        QTest::newRow("class containing a name") << "NotKeePassXCReally"
                                                 << ""
                                                 << ""
                                                 << "" << false;
    }

    void builtInRules()
    {
        QFETCH(QString, appClass);
        QFETCH(QString, instance);
        QFETCH(QString, title);
        QFETCH(QString, exe);
        QFETCH(bool, excluded);
        const capture::WindowExclusionFilter filter;
        QCOMPARE(filter.isExcluded(capture::WindowDescription{appClass, instance, title, exe}), excluded);

        v1::Event event;
        auto* body = event.mutable_app_switch();
        body->set_app_class(appClass.toStdString());
        body->set_app_instance(instance.toStdString());
        body->set_title(title.toStdString());
        body->set_exe(exe.toStdString());
        body->set_window_id(7);
        filter.apply(event);
        QCOMPARE(event.app_switch().excluded(), excluded);
        QCOMPARE(QString::fromStdString(event.app_switch().title()), excluded ? QString() : title);
        // The class stays: that the expert went to the password manager is a fact.
        QCOMPARE(QString::fromStdString(event.app_switch().app_class()), appClass);
    }

    void titleChangesOfAnExcludedWindowStayExcluded()
    {
        const capture::WindowExclusionFilter filter;
        v1::Event switchEvent;
        switchEvent.mutable_app_switch()->set_app_class("KeePassXC");
        switchEvent.mutable_app_switch()->set_window_id(42);
        filter.apply(switchEvent);
        QVERIFY(switchEvent.app_switch().excluded());

        v1::Event retitle;
        retitle.mutable_title_change()->set_title("bank.kdbx [Locked]");
        retitle.mutable_title_change()->set_window_id(42);
        filter.apply(retitle);
        QVERIFY(retitle.title_change().excluded());
        QVERIFY(retitle.title_change().title().empty());

        // Another window's retitle is judged on its own title.
        v1::Event other;
        other.mutable_title_change()->set_title("notes.txt");
        other.mutable_title_change()->set_window_id(43);
        filter.apply(other);
        QVERIFY(!other.title_change().excluded());
        QCOMPARE(other.title_change().title(), "notes.txt");
        // Events of other kinds pass untouched.
        v1::Event note;
        note.mutable_note()->set_text("KeePassXC");
        filter.apply(note);
        QCOMPARE(note.note().text(), "KeePassXC");
    }

    void userRules()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("exclude.conf"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("# mine\n\nclass Signal\ntitle *Private Browsing*\nexe /opt/bank/*\n");
        file.close();
        capture::WindowExclusionFilter filter;
        QString error;
        QVERIFY2(filter.loadUserRules(path, &error), qPrintable(error));
        QVERIFY(filter.isExcluded({QStringLiteral("Signal"), {}, {}, {}}));
        QVERIFY(
            filter.isExcluded({QStringLiteral("firefox"), {}, QStringLiteral("Mozilla Firefox Private Browsing"), {}}));
        QVERIFY(filter.isExcluded({{}, {}, {}, QStringLiteral("/opt/bank/bin/client")}));
        QVERIFY(filter.isExcluded({QStringLiteral("KeePassXC"), {}, {}, {}})); // defaults kept
        QVERIFY(!filter.isExcluded({QStringLiteral("firefox"), {}, QStringLiteral("news/today"), {}}));

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("no-defaults\ntitle */secret/*\n");
        file.close();
        capture::WindowExclusionFilter onlyMine;
        QVERIFY2(onlyMine.loadUserRules(path, &error), qPrintable(error));
        QVERIFY(!onlyMine.isExcluded({QStringLiteral("KeePassXC"), {}, {}, {}}));
        QVERIFY(onlyMine.isExcluded({{}, {}, QStringLiteral("vim ~/secret/plan.txt"), {}})); // '*' spans '/'

        capture::WindowExclusionFilter missing;
        QVERIFY(missing.loadUserRules(directory.filePath(QStringLiteral("none.conf")), &error));
    }

    void badUserRulesNameFileAndLine()
    {
        QTemporaryDir directory;
        const QString path = directory.filePath(QStringLiteral("exclude.conf"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("class Signal\nwindow Foo\n");
        file.close();
        capture::WindowExclusionFilter filter;
        const qsizetype before = filter.rules().size();
        QString error;
        QVERIFY(!filter.loadUserRules(path, &error));
        QCOMPARE(error,
                 QStringLiteral("%1:2: unknown rule 'window' (expected class, title, exe or no-defaults)").arg(path));
        QCOMPARE(filter.rules().size(), before); // nothing half-loaded

        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("title\n");
        file.close();
        QVERIFY(!filter.loadUserRules(path, &error));
        QCOMPARE(error, QStringLiteral("%1:1: 'title' needs a pattern").arg(path));
    }
};

QTEST_GUILESS_MAIN(TestWindowExclusionFilter)
#include "TestWindowExclusionFilter.moc"
