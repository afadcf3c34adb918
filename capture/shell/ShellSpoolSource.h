#pragma once

#include "capture/CaptureSource.h"
#include "capture/shell/SpoolIngester.h"

#include <QFileSystemWatcher>
#include <QTimer>

#include <memory>

namespace trailmark::capture {

// The recorder's live view of the shell spool: ingests what is pending at start
// (everything written while Trailmark was not running), then again whenever the spool
// directory or one of its files changes (inotify through QFileSystemWatcher; no polling).
// All records go to the sink given to start(), i.e. the session being recorded.
class ShellSpoolSource final : public CaptureSource
{
    Q_OBJECT

public:
    // Each pass is made durable through the sink's commit() before the spool file is
    // unlocked.
    explicit ShellSpoolSource(QString directory, QObject* parent = nullptr);
    ~ShellSpoolSource() override;

    QString name() const override { return QStringLiteral("shell-spool"); }
    SourceSupport supportHere() const override;
    bool start(EventSink& sink, QString* error) override;
    void stop() override;
    void catchUp() override;

    // Ingests now (also what the watcher triggers).
    bool ingestNow(QString* error);

Q_SIGNALS:
    // After each pass that stored something.
    void ingested(qint64 events);

private:
    void watchFiles();

    QString m_directory;
    std::unique_ptr<SpoolIngester> m_ingester;
    QFileSystemWatcher m_watcher;
    // Coalesces a burst of change notifications into one pass (single shot, not polling).
    QTimer m_coalesce;
};

} // namespace trailmark::capture
