// GUI actions of which less is kept, recorded as in TestGuiActions: apps that were
// running before the recording (one without accessibility), a terminal, whose keys are
// the shell's to record, and an excluded app.
#include "GuiActionsFixture.h"
#include "TestSupport.h"
#include "store/Store.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QScopeGuard>
#include <QTest>

using namespace trailmark;
using namespace trailmark::test;

class TestGuiActionsWithheld final : public GuiActionsFixture
{
    Q_OBJECT

private Q_SLOTS:
    // Apps already running when recording starts: a GTK app (always on the accessibility
    // bus) whose field had the focus before anyone asked is read by asking it; an X client
    // without accessibility (xterm) is named once and its clicks keep only coordinates;
    // what is typed into a terminal is left to the shell hooks.
    void appsRunningBeforeRecording()
    {
        QProcess xterm;
        xterm.start(QStringLiteral("xterm"), {QStringLiteral("-geometry"), QStringLiteral("60x10+0+0"),
                                              QStringLiteral("-title"), QStringLiteral("plain xterm")});
        QVERIFY(xterm.waitForStarted());
        const auto closeXterm = qScopeGuard([&] {
            xterm.kill();
            xterm.waitForFinished();
        });
        QTest::qWait(1000);
        FormApp form;
        QVERIFY(form.start(QStringLiteral("/usr/bin/python3"), {gtkFormPath()}));
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        QTest::qWait(2500); // the recorder names unreadable apps after a grace period
        // The form's first field has had the focus since it appeared: no click, no event.
        QVERIFY(type(QStringLiteral("ada@example.org")));
        beat();
        QVERIFY(click(QPoint(120, 60))); // inside the xterm
        beat();
        QVERIFY(type(QStringLiteral("echo hi")));
        beat();
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        QVERIFY2(m_recorderErr.contains(QLatin1String("cannot be read through accessibility")) &&
                     m_recorderErr.contains(QLatin1String("XTerm (pid")),
                 qPrintable(m_recorderErr));
        QCOMPARE(m_recorderErr.count(QLatin1String("cannot be read through accessibility")), 1);
        const auto actions = actionsOf(sessionId);
        // What is typed into a terminal is the shell's to record (its hooks keep the
        // command with its meaning): only the click is a GUI action.
        QCOMPARE(described(actions), (QStringList{QStringLiteral("type 'ada@example.org' text 'Email'"),
                                                  QStringLiteral("click (element ELEMENT_STATUS_NO_ACCESSIBILITY)")}));
        QCOMPARE(QPoint(actions.at(1).x(), actions.at(1).y()), QPoint(120, 60));
        QCOMPARE(QString::fromStdString(actions.at(1).app_class()), QStringLiteral("XTerm"));
        verifyKeyframes(actions);
        // The terminal beside the form is blacked out of the form's keyframe (what it
        // shows is the shell's, redacted there); the form itself is as it was.
        auto store = m_database->open();
        QString error;
        QImage keyframe;
        QVERIFY(keyframe.loadFromData(
            store->blob(QByteArray::fromStdString(actions.front().keyframe_sha256()), &error).value_or(QByteArray())));
        QCOMPARE(keyframe.pixelColor(120, 60), QColor(Qt::black));
        QVERIFY(keyframe.pixelColor(form.point(QStringLiteral("submit"))) != QColor(Qt::black));
    }

    // An excluded app's actions are kept as facts without what they showed or took in.
    void excludedAppKeepsNoTextTitleOrPicture()
    {
        const QString rules = qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/trailmark/exclude.conf");
        QVERIFY(QDir().mkpath(QFileInfo(rules).path()));
        QFile file(rules);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("class trailmark_qt_form\n");
        file.close();
        const auto removeRules = qScopeGuard([&] { QFile::remove(rules); });
        const QString sessionId = startRecording();
        QVERIFY2(!sessionId.isEmpty(), qPrintable(m_recorderErr));
        {
            FormApp form;
            QVERIFY(form.start(qtFormPath(), {}));
            QVERIFY(click(form.point(QStringLiteral("name"))));
            beat();
            QVERIFY(type(QStringLiteral("Ada Lovelace")));
            beat();
        }
        QVERIFY2(stopRecording(), qPrintable(m_recorderErr));
        const auto actions = actionsOf(sessionId);
        QCOMPARE(described(actions),
                 (QStringList{QStringLiteral("click (element ELEMENT_STATUS_UNSPECIFIED)"),
                              QStringLiteral("type [typed 12 characters into an excluded window] (element "
                                             "ELEMENT_STATUS_UNSPECIFIED)")}));
        for (const auto& action : actions) {
            QVERIFY(action.window_title().empty());
            QVERIFY(action.keyframe_sha256().empty());
            QCOMPARE(QString::fromStdString(action.app_class()), QStringLiteral("trailmark_qt_form"));
        }
        QVERIFY(!everythingUnder(m_database->directory()).contains("Lovelace"));
    }
};

QTEST_GUILESS_MAIN(TestGuiActionsWithheld)
#include "TestGuiActionsWithheld.moc"
