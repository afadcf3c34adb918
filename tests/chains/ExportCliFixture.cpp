#include "ExportCliFixture.h"

#include <QProcess>

ExportCliFixture::Result ExportCliFixture::trailmark(const QStringList& arguments, const QString& database)
{
    QProcess process;
    process.start(QStringLiteral(TRAILMARK_BINARY),
                  QStringList{QStringLiteral("--db"), database.isEmpty() ? m_database.path() : database} + arguments);
    Result result;
    if (!process.waitForFinished(120'000))
        return result;
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = QString::fromUtf8(process.readAllStandardOutput());
    result.err = QString::fromUtf8(process.readAllStandardError());
    return result;
}
