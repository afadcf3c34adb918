// The global note hotkey against a real X server: key presses come from xdotool
// (XTEST), as from a keyboard.
#include "X11TestClient.h"
#include "capture/x11/X11Hotkey.h"

#include <QSignalSpy>
#include <QTest>

using namespace trailmark;
using namespace trailmark::test;

class TestX11Hotkey final : public QObject
{
    Q_OBJECT

private:
    static bool press(const QString& keys)
    {
        return X11TestClient::runTool(QStringLiteral("xdotool"), {QStringLiteral("key"), keys});
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DISPLAY"),
                 "needs an X server with a window manager: run through packaging/dev.sh test");
    }

    void triggersWhateverLockIsOn()
    {
        capture::X11Hotkey hotkey;
        QSignalSpy triggered(&hotkey, &capture::X11Hotkey::triggered);
        QString error;
        QVERIFY2(hotkey.grab(QStringLiteral("Ctrl+Alt+J"), &error), qPrintable(error));
        QVERIFY(press(QStringLiteral("ctrl+alt+j")));
        QTRY_COMPARE(triggered.size(), 1);
        // Other modifiers make another shortcut.
        QVERIFY(press(QStringLiteral("ctrl+j")));
        QVERIFY(press(QStringLiteral("ctrl+alt+shift+j")));
        QTest::qWait(200);
        QCOMPARE(triggered.size(), 1);
        // Num Lock and Caps Lock on: X would report a different modifier state.
        QVERIFY(press(QStringLiteral("Num_Lock")));
        QVERIFY(press(QStringLiteral("ctrl+alt+j")));
        QTRY_COMPARE(triggered.size(), 2);
        QVERIFY(press(QStringLiteral("Caps_Lock")));
        QVERIFY(press(QStringLiteral("ctrl+alt+j")));
        QTRY_COMPARE(triggered.size(), 3);
        QVERIFY(press(QStringLiteral("Caps_Lock")));
        QVERIFY(press(QStringLiteral("Num_Lock")));

        hotkey.ungrab();
        QVERIFY(press(QStringLiteral("ctrl+alt+j")));
        QTest::qWait(200);
        QCOMPARE(triggered.size(), 3);
    }

    void saysWhenTheKeyIsTaken()
    {
        capture::X11Hotkey first;
        QString error;
        QVERIFY2(first.grab(QStringLiteral("Super+Shift+N"), &error), qPrintable(error));
        capture::X11Hotkey second;
        QVERIFY(!second.grab(QStringLiteral("Super+Shift+N"), &error));
        QVERIFY2(error.contains(QStringLiteral("the shortcut Super+Shift+N is already taken by another application")),
                 qPrintable(error));
        QVERIFY(!second.isGrabbed());
        // The first still works.
        QSignalSpy triggered(&first, &capture::X11Hotkey::triggered);
        QVERIFY(press(QStringLiteral("super+shift+n")));
        QTRY_COMPARE(triggered.size(), 1);
        // Once released, the second can have it.
        first.ungrab();
        QVERIFY2(second.grab(QStringLiteral("Super+Shift+N"), &error), qPrintable(error));
    }

    void rejectsWhatIsNotAShortcut_data()
    {
        QTest::addColumn<QString>("shortcut");
        QTest::addColumn<QString>("message");
        QTest::newRow("no key") << QStringLiteral("Ctrl+Alt") << QStringLiteral("does not end in a key");
        QTest::newRow("unknown modifier") << QStringLiteral("Hyper+N") << QStringLiteral("is not a modifier");
        QTest::newRow("unknown key") << QStringLiteral("Ctrl+Banana") << QStringLiteral("does not end in a key");
        QTest::newRow("empty") << QString() << QStringLiteral("does not end in a key");
    }

    void rejectsWhatIsNotAShortcut()
    {
        QFETCH(QString, shortcut);
        QFETCH(QString, message);
        capture::X11Hotkey hotkey;
        QString error;
        QVERIFY(!hotkey.grab(shortcut, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestX11Hotkey)
#include "TestX11Hotkey.moc"
