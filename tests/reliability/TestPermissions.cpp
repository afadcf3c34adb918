// Everything a real run creates is the user's alone. The binary runs as a user runs it:
// default locations from the XDG variables (nothing pointed at a ready-made directory),
// a real bash with the hooks writing the spool, a recorder, ingest and import; the test
// itself runs with umask 022 so a file created without care would show as wider.
#include "PtyDriver.h"
#include "TestSupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/stat.h>

using namespace trailmark;
using namespace trailmark::test;

class TestPermissions final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_home;

    QString home(const QString& relative) const { return m_home.path() + QLatin1Char('/') + relative; }

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("HOME"), m_home.path());
        env.insert(QStringLiteral("PATH"), qEnvironmentVariable("PATH"));
        env.insert(QStringLiteral("TERM"), QStringLiteral("xterm"));
        env.insert(QStringLiteral("LANG"), QStringLiteral("C.UTF-8"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_STATE_HOME"), home(QStringLiteral("state")));
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home(QStringLiteral("run")));
        if (qEnvironmentVariableIsSet("DISPLAY"))
            env.insert(QStringLiteral("DISPLAY"), qEnvironmentVariable("DISPLAY"));
        return env;
    }

    int run(const QStringList& arguments, QString* output = nullptr)
    {
        QProcess process;
        process.setProcessEnvironment(environment());
        process.start(QStringLiteral(TRAILMARK_BINARY), arguments);
        if (!process.waitForFinished(30000))
            return -1;
        if (output)
            *output = QString::fromUtf8(process.readAllStandardOutput() + process.readAllStandardError());
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    // Every file and directory below `root` (root included), with its mode.
    static QStringList tooWide(const QString& root)
    {
        QStringList wide;
        const auto check = [&](const QString& path) {
            struct stat info
            {};
            if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
                return;
            const int mode = info.st_mode & 07777;
            // Sockets and directories may carry x for the owner; nothing for group/others.
            if ((mode & 077) != 0 || (S_ISREG(info.st_mode) && mode != 0600) || (S_ISDIR(info.st_mode) && mode != 0700))
                wide.append(QStringLiteral("%1 %2").arg(path).arg(mode, 4, 8, QLatin1Char('0')));
        };
        check(root);
        QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            check(it.next());
        return wide;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        ::umask(022);
        // The runtime directory is the session manager's (0700 by the XDG spec); the rest
        // is created by Trailmark.
        QVERIFY(QDir().mkpath(home(QStringLiteral("run"))));
        QVERIFY(
            QFile::setPermissions(home(QStringLiteral("run")), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    }

    void everythingCreatedIsUserOnly()
    {
        const QString database = home(QStringLiteral("data/trailmark/trailmark.db"));
        const QString spool = home(QStringLiteral("run/trailmark"));

        // A real bash with the hooks writes spool records.
        const QString rc = home(QStringLiteral("bashrc"));
        {
            QFile file(rc);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("PS1='$ '\neval \"$('" TRAILMARK_BINARY "' init bash)\"\n");
        }
        PtyDriver bash;
        QVERIFY(bash.start({QStringLiteral("/bin/bash"), QStringLiteral("--noprofile"), QStringLiteral("--rcfile"), rc,
                            QStringLiteral("-i")},
                           environment(), m_home.path()));
        QVERIFY(bash.run("echo permissions-check"));
        QVERIFY(bash.run("false"));

        // A recorder runs for a moment; while it runs, the database has its -wal and
        // -shm, the lock file and the control socket exist.
        QProcess recorder;
        recorder.setProcessEnvironment(environment());
        recorder.start(QStringLiteral(TRAILMARK_BINARY), {QStringLiteral("record"), QStringLiteral("--task"),
                                                          QStringLiteral("modes"), QStringLiteral("--no-screenshots")});
        QVERIFY(recorder.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(recorder.canReadLine() || recorder.state() != QProcess::Running, 10000);
        QVERIFY2(recorder.state() == QProcess::Running, recorder.readAllStandardError().constData());
        QVERIFY(bash.run("echo while-recording"));
        QTRY_VERIFY(QFile::exists(database + QStringLiteral("-wal")));
        QVERIFY(QFile::exists(database + QStringLiteral("-shm")));
        QVERIFY(QFile::exists(database + QStringLiteral(".lock")));
        QDir spoolDir(spool);
        QVERIFY2(!spoolDir.entryList({QStringLiteral("*.spool")}, QDir::Files).isEmpty(),
                 qPrintable(spoolDir.entryList().join(u' ')));
        QVERIFY2(!spoolDir.entryList({QStringLiteral("recorder-*")}, QDir::System).isEmpty(),
                 qPrintable(spoolDir.entryList(QDir::AllEntries | QDir::System).join(u' ')));
        QStringList wide =
            tooWide(home(QStringLiteral("data"))) + tooWide(spool) + tooWide(home(QStringLiteral("state")));
        QVERIFY2(wide.isEmpty(), qPrintable(wide.join(u'\n')));

        ::kill(static_cast<pid_t>(recorder.processId()), SIGINT);
        QVERIFY(recorder.waitForFinished(10000));
        QCOMPARE(recorder.exitCode(), 0);

        QVERIFY(bash.run("echo after-recording"));
        QString output;
        QVERIFY2(run({QStringLiteral("ingest")}, &output) == 0, qPrintable(output));

        const QString history = home(QStringLiteral("bash_history"));
        {
            QFile file(history);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("#1764335400\nls -la\n#1764335410\nmake\n");
        }
        QVERIFY2(run({QStringLiteral("import"), QStringLiteral("--format"), QStringLiteral("bash-history"), history},
                     &output) == 0,
                 qPrintable(output));
        QVERIFY2(run({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("agent-chain"),
                      QStringLiteral("--out"), home(QStringLiteral("data/export"))},
                     &output) == 0,
                 qPrintable(output));
        QVERIFY2(run({QStringLiteral("verify")}, &output) == 0, qPrintable(output));
        bash.write("exit\n");
        QCOMPARE(bash.waitForExit(), 0);

        QCOMPARE(modeOf(database), 0600);
        QCOMPARE(modeOf(home(QStringLiteral("data/trailmark"))), 0700);
        QCOMPARE(modeOf(spool), 0700);
        QCOMPARE(modeOf(home(QStringLiteral("state/trailmark"))), 0700);
        QCOMPARE(modeOf(home(QStringLiteral("state/trailmark/trailmark.log"))), 0600);
        QVERIFY(QFileInfo(home(QStringLiteral("state/trailmark/trailmark.log"))).size() > 0);
        wide = tooWide(home(QStringLiteral("data"))) + tooWide(spool) + tooWide(home(QStringLiteral("state")));
        QVERIFY2(wide.isEmpty(), qPrintable(wide.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestPermissions)
#include "TestPermissions.moc"
