#include "TestSupport.h"

#include "store/Store.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>

namespace trailmark::test {

TempDatabase::TempDatabase()
    : m_path(m_directory.path() + QStringLiteral("/data/trailmark.db"))
{}

std::unique_ptr<store::Store> TempDatabase::open() const
{
    QString error;
    auto store = store::Store::open(m_path, store::Store::Access::ReadWrite, &error);
    if (!store)
        qWarning("cannot open test database: %s", qPrintable(error));
    return store;
}

QMap<QString, QByteArray> filesUnder(const QString& folder)
{
    QMap<QString, QByteArray> contents;
    QDirIterator it(folder, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            contents.insert(QDir(folder).relativeFilePath(path), file.readAll());
    }
    return contents;
}

QList<v1::Event> eventsOf(store::Store& store, const QString& sessionId)
{
    QList<v1::Event> events;
    QString error;
    if (!store.readEvents(
            sessionId, 0, -1,
            [&](const store::StoredEvent& stored) {
                events.append(stored.event);
                return true;
            },
            &error))
        qWarning("cannot read the events of %s: %s", qPrintable(sessionId), qPrintable(error));
    return events;
}

QString createSession(store::Store& store, const QString& task)
{
    v1::Session session;
    session.set_task(task.toStdString());
    QString error;
    if (!store.createSession(session, &error))
        qWarning("cannot create session: %s", qPrintable(error));
    return QString::fromStdString(session.id());
}

int modeOf(const QString& path)
{
    struct stat info
    {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

qint64 cpuMicroseconds(bool children)
{
    rusage usage{};
    getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage);
    return qint64(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1'000'000 + usage.ru_utime.tv_usec +
           usage.ru_stime.tv_usec;
}

} // namespace trailmark::test
