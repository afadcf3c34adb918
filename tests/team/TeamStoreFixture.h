#pragma once

#include "PgServer.h"
#include "TestSupport.h"

#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace trailmark::store {
class Store;
} // namespace trailmark::store

// What the team store's tests share: a real PostgreSQL 15 server started for the test
// class, set up by `team init` with people in each of Trailmark's roles, the trailmark
// binary run as one of them, and two experts' own SQLite files.
class TeamStoreFixture : public QObject
{
    Q_OBJECT

protected:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Result trailmark(const QStringList& arguments, const QString& role, const QString& database = {});
    QProcess* startTrailmark(const QStringList& arguments, const QString& role, const QString& database);
    // One number from the server, as the superuser.
    qint64 count(const QString& sql);
    QString finishedSession(trailmark::store::Store& store, const QString& task, int commands, int outputBytes = 64);
    QJsonObject json(const QStringList& arguments, const QString& role, const QString& database = {});

    trailmark::test::PgServer m_server;
    trailmark::test::TempDatabase m_alice; // an expert's own SQLite file
    trailmark::test::TempDatabase m_bob;   // another expert's

private Q_SLOTS:
    void initTestCase();
};
