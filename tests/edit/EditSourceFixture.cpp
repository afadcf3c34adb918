#include "EditSourceFixture.h"

#include "capture/edit/EditSource.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QTest>

namespace trailmark::test {

void run(const QString& directory, const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    QVERIFY2(process.waitForFinished(60'000), qPrintable(program));
    QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
             qPrintable(program + QLatin1Char(' ') + arguments.join(QLatin1Char(' ')) + QStringLiteral(": ") +
                        QString::fromLocal8Bit(process.readAll())));
}

void writeFile(const QString& path, const QByteArray& content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(content), content.size());
}

QByteArray readFile(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// A small C project under git, committed.
void makeRepository(const QString& root)
{
    run(root, QStringLiteral("git"),
        {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")});
    run(root, QStringLiteral("git"),
        {QStringLiteral("config"), QStringLiteral("user.email"), QStringLiteral("e@example.org")});
    run(root, QStringLiteral("git"), {QStringLiteral("config"), QStringLiteral("user.name"), QStringLiteral("Expert")});
    writeFile(root + QStringLiteral("/src/io.c"),
              "#include <stdio.h>\n\nint read_all(FILE *f, char *buf, int size)\n{\n"
              "    int n = fread(buf, 1, size, f);\n    return n;\n}\n");
    writeFile(root + QStringLiteral("/README.md"), "# io\n\nReads files.\n");
    writeFile(root + QStringLiteral("/.gitignore"), "build/\n*.o\n");
    run(root, QStringLiteral("git"), {QStringLiteral("add"), QStringLiteral(".")});
    run(root, QStringLiteral("git"),
        {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("first")});
}

v1::Event commandStarted(const std::string& id, const QString& command, const QString& cwd,
                         const std::string& shellSession)
{
    v1::Event event;
    event.set_time_ns(QDateTime::currentMSecsSinceEpoch() * 1'000'000);
    auto* started = event.mutable_command_started();
    started->set_command_id(id);
    started->set_shell_session_id(shellSession);
    started->set_command(command.toStdString());
    started->set_cwd(QFile::encodeName(cwd).toStdString());
    return event;
}

v1::Event commandFinished(const std::string& id)
{
    v1::Event event;
    event.set_time_ns(QDateTime::currentMSecsSinceEpoch() * 1'000'000);
    event.mutable_command_finished()->set_command_id(id);
    return event;
}

// Waits for the edit source's quiet period to pass and what it resolved to be stored.
void settle(capture::EditSource& source)
{
    QTest::qWait(700);
    source.flushNow(true);
}

} // namespace trailmark::test
