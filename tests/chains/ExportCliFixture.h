#pragma once

#include "TestSupport.h"

#include <QObject>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// What the export tests share: the real binary run on a database, and a folder for the
// exports.
class ExportCliFixture : public QObject
{
    Q_OBJECT

protected:
    struct Result
    {
        int exitCode = -1;
        QString out;
        QString err;
    };
    Result trailmark(const QStringList& arguments, const QString& database = {});

    trailmark::test::TempDatabase m_database;
    QTemporaryDir m_outputs;
};
