#include "capture/shell/ShellSpoolSource.h"

#include "store/PrivateFiles.h"

#include <QDir>
#include <QFileInfo>

#include <spdlog/spdlog.h>

namespace trailmark::capture {

ShellSpoolSource::ShellSpoolSource(QString directory, QObject* parent)
    : CaptureSource(parent)
    , m_directory(std::move(directory))
{
    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(5);
    connect(&m_coalesce, &QTimer::timeout, this, [this] {
        QString error;
        if (!ingestNow(&error))
            Q_EMIT warning(error);
    });
    const auto changed = [this] {
        if (m_ingester)
            m_coalesce.start();
    };
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, changed);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, changed);
}

ShellSpoolSource::~ShellSpoolSource() = default;

SourceSupport ShellSpoolSource::supportHere() const
{
#ifdef Q_OS_LINUX
    return {true, {}};
#else
    return {false, tr("shell capture is not supported on this platform yet")};
#endif
}

bool ShellSpoolSource::start(EventSink& sink, QString* error)
{
    if (!store::privatefiles::ensureDirectory(m_directory, error))
        return false;
    m_ingester = std::make_unique<SpoolIngester>(
        m_directory, [&sink](const SpoolFileName&, QString*) -> EventSink* { return &sink; },
        [&sink](QString* why) { return sink.commit(why); });
    m_watcher.addPath(m_directory);
    // A failed first pass (the disk is full) leaves the records in the spool; the source
    // keeps watching and reads them once the recorder can write again.
    QString ingestError;
    if (!ingestNow(&ingestError))
        Q_EMIT warning(ingestError);
    return true;
}

void ShellSpoolSource::stop()
{
    m_coalesce.stop();
    if (!m_watcher.files().isEmpty())
        m_watcher.removePaths(m_watcher.files());
    if (!m_watcher.directories().isEmpty())
        m_watcher.removePaths(m_watcher.directories());
    m_ingester.reset();
}

void ShellSpoolSource::catchUp()
{
    if (m_ingester)
        m_coalesce.start();
}

bool ShellSpoolSource::ingestNow(QString* error)
{
    if (!m_ingester)
        return true;
    SpoolIngester::Result result;
    const bool ok = m_ingester->ingestAll(&result, error);
    for (const QString& message : std::as_const(result.warnings))
        Q_EMIT warning(message);
    watchFiles();
    if (result.events > 0)
        Q_EMIT ingested(result.events);
    return ok;
}

void ShellSpoolSource::watchFiles()
{
    const QDir directory(m_directory);
    QStringList wanted;
    for (const QString& name : directory.entryList({QStringLiteral("*.spool")}, QDir::Files | QDir::Hidden))
        wanted.append(directory.filePath(name));
    const QStringList watched = m_watcher.files();
    for (const QString& path : watched) {
        if (!wanted.contains(path))
            m_watcher.removePath(path);
    }
    for (const QString& path : std::as_const(wanted)) {
        if (!watched.contains(path))
            m_watcher.addPath(path);
    }
}

} // namespace trailmark::capture
