#include "TeamStoreFixture.h"

#include "SessionScript.h"
#include "store/Store.h"
#include "team/PgConnection.h"

#include <QJsonDocument>
#include <QTest>

using namespace trailmark;

TeamStoreFixture::Result TeamStoreFixture::trailmark(const QStringList& arguments, const QString& role,
                                                     const QString& database)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_TEAM"), m_server.connectionString(role));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  QStringList{QStringLiteral("--db"), database.isEmpty() ? m_alice.path() : database} + arguments);
    Result result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}

QProcess* TeamStoreFixture::startTrailmark(const QStringList& arguments, const QString& role, const QString& database)
{
    auto* process = new QProcess(this);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TRAILMARK_TEAM"), m_server.connectionString(role));
    process->setProcessEnvironment(environment);
    process->start(QStringLiteral(TRAILMARK_BINARY), QStringList{QStringLiteral("--db"), database} + arguments);
    return process;
}

qint64 TeamStoreFixture::count(const QString& sql)
{
    QString error;
    auto connection = team::PgConnection::open(m_server.connectionString(), &error);
    if (!connection) {
        qWarning("%s", qPrintable(error));
        return -1;
    }
    const auto result = connection->query(sql.toUtf8().constData(), {}, &error);
    if (!result || result->rows() != 1) {
        qWarning("%s: %s", qPrintable(sql), qPrintable(error));
        return -1;
    }
    return result->number(0, 0);
}

QString TeamStoreFixture::finishedSession(store::Store& store, const QString& task, int commands, int outputBytes)
{
    const QString id = test::createSession(store, task);
    {
        test::SessionScript script(store, id);
        const QByteArray output = QByteArray("tests/test_parser.py ..F.\n").repeated(outputBytes / 26 + 1);
        for (int i = 0; i < commands; ++i)
            script.command("pytest -x tests/test_" + QByteArray::number(i % 17) + ".py", i % 5 == 2 ? 1 : 0, output);
        if (!script.flush())
            return {};
    }
    QString error;
    auto session = store.session(id, &error);
    if (!session)
        return {};
    session->set_state(v1::Session::STATE_FINISHED);
    session->set_expert("alice");
    if (!store.updateSession(*session, &error))
        return {};
    return id;
}

QJsonObject TeamStoreFixture::json(const QStringList& arguments, const QString& role, const QString& database)
{
    const Result result = trailmark(arguments + QStringList{QStringLiteral("--json")}, role, database);
    if (result.exitCode != 0)
        qWarning("trailmark %s as %s: %s", qPrintable(arguments.join(QLatin1Char(' '))), qPrintable(role),
                 qPrintable(result.err));
    return QJsonDocument::fromJson(result.out.toUtf8()).object();
}

void TeamStoreFixture::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(&error), qPrintable(error));
    // People are login roles granted one of Trailmark's group roles (after team init,
    // which creates those).
    const Result init = trailmark({QStringLiteral("team"), QStringLiteral("init")}, QStringLiteral("owner"));
    QVERIFY2(init.exitCode == 0, qPrintable(init.err));
    QVERIFY2(init.out.contains(QStringLiteral("Set up the team store")), qPrintable(init.out));
    QVERIFY2(m_server.sql(QStringLiteral("CREATE ROLE alice LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE bob LOGIN IN ROLE trailmark_expert;"
                                         "CREATE ROLE rita LOGIN IN ROLE trailmark_reviewer;"
                                         "CREATE ROLE ravi LOGIN IN ROLE trailmark_reviewer;"
                                         "CREATE ROLE adam LOGIN IN ROLE trailmark_admin;"),
                          &error),
             qPrintable(error));
}
