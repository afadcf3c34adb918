// The Screenshotter against a scripted ScreenGrabber (the real X one is tested with
// the recorder under Xvfb): when a picture is taken and of what, what exclusions and
// terminals keep out, and that pictures land as blobs linked by Screenshot events in a
// real store.
#include "TestSupport.h"
#include "capture/SessionSink.h"
#include "capture/redact/WindowExclusionFilter.h"
#include "capture/screenshot/ScreenGrabber.h"
#include "capture/screenshot/Screenshotter.h"
#include "store/EventWriter.h"
#include "store/SqliteStatement.h"
#include "store/Store.h"

#include <QHash>
#include <QTest>

#include <algorithm>

using namespace trailmark;

namespace {

// What the fake screen shows; the test changes it while the Screenshotter runs.
struct FakeScreen
{
    quint64 activeWindow = 0;
    QHash<quint64, capture::WindowDescription> windows;
    QImage windowImage;
    QImage screenImage;
    int windowGrabs = 0;
    int screenGrabs = 0;
    QList<quint64> hiddenOnScreen; // what the last screen grab was asked to black out
};

class FakeScreenGrabber final : public capture::ScreenGrabber
{
public:
    explicit FakeScreenGrabber(FakeScreen& screen)
        : m_screen(screen)
    {}
    std::optional<QImage> grabWindow(quint64 window, QString* error) override
    {
        ++m_screen.windowGrabs;
        if (!m_screen.windows.contains(window) || m_screen.windowImage.isNull()) {
            *error = QStringLiteral("window is gone");
            return std::nullopt;
        }
        return m_screen.windowImage;
    }
    std::optional<QImage> grabScreen(QString* error) override
    {
        ++m_screen.screenGrabs;
        if (m_screen.screenImage.isNull()) {
            *error = QStringLiteral("no screen");
            return std::nullopt;
        }
        return m_screen.screenImage;
    }
    std::optional<QImage> grabScreenHiding(const WindowFilter& hidden, QString* error) override
    {
        m_screen.hiddenOnScreen.clear();
        for (auto it = m_screen.windows.cbegin(); it != m_screen.windows.cend(); ++it) {
            if (hidden(it.value()))
                m_screen.hiddenOnScreen.append(it.key());
        }
        std::sort(m_screen.hiddenOnScreen.begin(), m_screen.hiddenOnScreen.end());
        return grabScreen(error);
    }
    std::optional<capture::WindowDescription> describeWindow(quint64 window) override
    {
        const auto found = m_screen.windows.constFind(window);
        return found == m_screen.windows.cend() ? std::nullopt : std::optional<capture::WindowDescription>(*found);
    }
    quint64 activeWindow() override { return m_screen.activeWindow; }

private:
    FakeScreen& m_screen;
};

QImage filled(int width, int height, QRgb colour)
{
    QImage image(width, height, QImage::Format_RGB32);
    image.fill(colour);
    return image;
}

} // namespace

class TestScreenshotter final : public QObject
{
    Q_OBJECT

private:
    test::TempDatabase* m_database = nullptr;
    std::unique_ptr<store::Store> m_store;
    std::unique_ptr<store::EventWriter> m_writer;
    std::unique_ptr<capture::SessionSink> m_sink;
    std::unique_ptr<capture::WindowExclusionFilter> m_exclusions;
    std::unique_ptr<capture::Screenshotter> m_screenshotter;
    FakeScreen m_screen;
    QString m_session;

    QList<v1::Event> storedScreenshots()
    {
        QString error;
        if (!m_writer->flush(&error))
            qWarning("%s", qPrintable(error));
        QList<v1::Event> result;
        for (const v1::Event& event : test::eventsOf(*m_store, m_session)) {
            if (event.has_screenshot())
                result.append(event);
        }
        return result;
    }
    void addWindow(quint64 window, const QString& appClass, const QString& title)
    {
        m_screen.windows.insert(window, capture::WindowDescription{appClass, appClass.toLower(), title, QString()});
    }

private Q_SLOTS:
    void init()
    {
        m_database = new test::TempDatabase;
        m_store = m_database->open();
        QVERIFY(m_store);
        m_session = test::createSession(*m_store, QStringLiteral("screens"));
        m_writer = std::make_unique<store::EventWriter>(*m_store);
        m_sink = std::make_unique<capture::SessionSink>(*m_store, *m_writer, m_session);
        m_exclusions = std::make_unique<capture::WindowExclusionFilter>();
        m_exclusions->clearRules();
        QVERIFY(m_exclusions->addRule(capture::WindowExclusionFilter::Field::Title, QStringLiteral("*password*")));
        m_screen = FakeScreen();
        m_screenshotter = std::make_unique<capture::Screenshotter>(
            *m_store, *m_sink, std::make_unique<FakeScreenGrabber>(m_screen), m_exclusions.get());
        m_screenshotter->setDelay(20);
    }
    void cleanup()
    {
        m_screenshotter.reset();
        m_exclusions.reset();
        m_sink.reset();
        m_writer.reset();
        m_store.reset();
        delete m_database;
        m_database = nullptr;
    }

    void picturesTheNewWindowAfterTheDelay()
    {
        addWindow(7, QStringLiteral("Code"), QStringLiteral("parser.py - src"));
        m_screen.activeWindow = 7;
        m_screen.windowImage = filled(64, 32, qRgb(10, 200, 30));
        m_screenshotter->windowActivated(7, false);
        QCOMPARE(m_screen.windowGrabs, 0); // not before it has painted
        QTRY_COMPARE(m_screenshotter->taken(), 1);

        const QList<v1::Event> shots = storedScreenshots();
        QCOMPARE(shots.size(), 1);
        const v1::Screenshot& shot = shots.first().screenshot();
        QCOMPARE(shot.window_id(), quint64(7));
        QCOMPARE(shot.mime(), "image/png");
        QCOMPARE(shot.width(), 64u);
        QCOMPARE(shot.height(), 32u);
        QString error;
        const auto png = m_store->blob(QByteArray::fromStdString(shot.sha256()), &error);
        QVERIFY2(png, qPrintable(error));
        const QImage decoded = QImage::fromData(*png, "PNG");
        QCOMPARE(decoded.size(), QSize(64, 32));
        QCOMPARE(decoded.pixel(5, 5), qRgb(10, 200, 30));
    }

    void aLaterSwitchReplacesThePendingOne()
    {
        addWindow(1, QStringLiteral("Code"), QStringLiteral("one"));
        addWindow(2, QStringLiteral("Firefox"), QStringLiteral("two"));
        m_screen.windowImage = filled(8, 8, qRgb(1, 2, 3));
        m_screenshotter->windowActivated(1, false);
        m_screen.activeWindow = 2;
        m_screenshotter->windowActivated(2, false);
        QTRY_COMPARE(m_screenshotter->taken(), 1);
        QTest::qWait(60);
        const QList<v1::Event> shots = storedScreenshots();
        QCOMPARE(shots.size(), 1);
        QCOMPARE(shots.first().screenshot().window_id(), quint64(2));
        QCOMPARE(m_screen.windowGrabs, 1);
    }

    void nothingIsTaken_data()
    {
        QTest::addColumn<bool>("switchExcluded");
        QTest::addColumn<bool>("switchedAway");
        QTest::addColumn<QString>("titleAtCapture");
        QTest::addColumn<bool>("cancelled");
        QTest::newRow("switch to an excluded window") << true << false << QStringLiteral("editor") << false;
        QTest::newRow("no longer active") << false << true << QStringLiteral("editor") << false;
        QTest::newRow("turned into a password prompt") << false << false << QStringLiteral("Enter password") << false;
        QTest::newRow("cancelled") << false << false << QStringLiteral("editor") << true;
    }
    void nothingIsTaken()
    {
        QFETCH(bool, switchExcluded);
        QFETCH(bool, switchedAway);
        QFETCH(QString, titleAtCapture);
        QFETCH(bool, cancelled);
        addWindow(3, QStringLiteral("Code"), QStringLiteral("editor"));
        m_screen.activeWindow = 3;
        m_screen.windowImage = filled(8, 8, qRgb(9, 9, 9));
        m_screenshotter->windowActivated(3, false);
        if (switchExcluded)
            m_screenshotter->windowActivated(4, true);
        if (switchedAway)
            m_screen.activeWindow = 5;
        m_screen.windows[3].title = titleAtCapture;
        if (cancelled)
            m_screenshotter->cancel();
        QTest::qWait(80);
        QCOMPARE(m_screenshotter->taken(), 0);
        QCOMPARE(storedScreenshots().size(), 0);
        QCOMPARE(m_screen.windowGrabs, 0);
    }

    void screenOnRequestStoredOncePerContent()
    {
        m_screen.screenImage = filled(40, 20, qRgb(200, 0, 0));
        m_screenshotter->captureScreen();
        m_screenshotter->captureScreen();
        QCOMPARE(m_screenshotter->taken(), 2);
        const QList<v1::Event> shots = storedScreenshots();
        QCOMPARE(shots.size(), 2);
        QCOMPARE(shots[0].screenshot().window_id(), quint64(0));
        QCOMPARE(shots[0].screenshot().sha256(), shots[1].screenshot().sha256());
        store::SqliteStatement count(m_store->handle(), "SELECT count(*) FROM blobs");
        QVERIFY(count.step());
        QCOMPARE(count.columnInt(0), 1);
    }

    void noScreenWhileAnExcludedWindowIsActive()
    {
        addWindow(6, QStringLiteral("KeePassXC"), QStringLiteral("Unlock: password"));
        m_screen.activeWindow = 6;
        m_screen.screenImage = filled(4, 4, qRgb(0, 0, 0));
        m_screenshotter->captureScreen();
        QCOMPARE(m_screen.screenGrabs, 0);
        QCOMPARE(storedScreenshots().size(), 0);
    }

    void aTerminalIsNeverPictured_data()
    {
        QTest::addColumn<QString>("appClass");
        QTest::newRow("xterm") << QStringLiteral("XTerm");
        QTest::newRow("gnome-terminal") << QStringLiteral("Gnome-terminal");
        QTest::newRow("kitty, any case") << QStringLiteral("KITTY");
        QTest::newRow("konsole") << QStringLiteral("konsole");
    }
    void aTerminalIsNeverPictured()
    {
        // A token typed at a prompt is on screen; the shell hooks redact it in the text,
        // a picture could not be.
        QFETCH(QString, appClass);
        addWindow(8, appClass, QStringLiteral("export API_TOKEN=ghp_..."));
        m_screen.activeWindow = 8;
        m_screen.windowImage = filled(8, 8, qRgb(0, 0, 0));
        m_screenshotter->windowActivated(8, false);
        QTest::qWait(80);
        QCOMPARE(m_screen.windowGrabs, 0);
        QCOMPARE(storedScreenshots().size(), 0);
    }

    void theScreenHidesTerminalsAndExcludedWindows()
    {
        addWindow(1, QStringLiteral("firefox"), QStringLiteral("pytest docs"));
        addWindow(2, QStringLiteral("XTerm"), QStringLiteral("~/src"));
        addWindow(3, QStringLiteral("Code"), QStringLiteral("parser.py"));
        addWindow(4, QStringLiteral("Gcr-prompter"), QStringLiteral("Enter password for key"));
        m_screen.activeWindow = 2; // a note typed from a terminal
        m_screen.screenImage = filled(40, 20, qRgb(200, 0, 0));
        m_screenshotter->captureScreen();
        QCOMPARE(m_screenshotter->taken(), 1);
        QCOMPARE(m_screen.hiddenOnScreen, (QList<quint64>{2, 4}));
    }

    void aFailedGrabStoresNothing()
    {
        m_screenshotter->captureScreen(); // the fake has no screen image
        QCOMPARE(m_screen.screenGrabs, 1);
        QCOMPARE(m_screenshotter->taken(), 0);
        QCOMPARE(storedScreenshots().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestScreenshotter)
#include "TestScreenshotter.moc"
