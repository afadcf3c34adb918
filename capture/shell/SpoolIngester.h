#pragma once

#include "capture/shell/SpoolRecord.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace trailmark::v1 {
class CommandFinished;
} // namespace trailmark::v1

namespace trailmark::capture {

class EventSink;

// Reads the shell spool (format in SpoolRecord.h) into events, exactly once.
//
// Each file is read from the position saved under "shell-spool:<file name>". For every
// complete line the new position is handed to the sink *before* the line's event, so
// whichever batch commits the event also commits the position past it: after a crash
// the file resumes exactly after the last stored event. Files are flock()ed while being
// ingested and the caller's commit runs before the lock is released, so two ingesters
// (the recorder and `trailmark ingest`) never read the same lines twice.
//
// Files are read in chunks (SpoolReader): memory stays bounded whatever a file holds.
//
// Files that are fully ingested and final (a newer generation exists, or the shell is
// gone) are deleted; the spool never grows without bound. Symlinks, files owned by
// someone else and group/world-writable files are refused with a warning.
class SpoolIngester
{
public:
    // The sink for one shell session (nullptr and *error when none can be had).
    using SinkForSession = std::function<EventSink*(const SpoolFileName& name, QString* error)>;
    // Makes what was recorded so far durable (EventSink::commit in a recording,
    // EventWriter::flush for `trailmark ingest` and `trailmark shell`).
    using Commit = std::function<bool(QString* error)>;
    // Lets `trailmark shell` attach captured output to a finished command.
    using FinishedHook = std::function<void(v1::CommandFinished& finished)>;

    struct Result
    {
        qint64 events = 0;
        qint64 malformedLines = 0;
        qint64 filesRemoved = 0;
        QStringList warnings; // "file:line: what" and refused files
    };

    SpoolIngester(QString directory, SinkForSession sinkForSession, Commit commit);

    QString directory() const { return m_directory; }
    void setFinishedHook(FinishedHook hook) { m_finishedHook = std::move(hook); }
    // The host name stored with each command (default: this machine's).
    void setHost(const QString& host) { m_host = host.toStdString(); }

    // Ingests every spool file of the directory. False only for errors that stop
    // ingest (the database cannot be written); bad lines and refused files are
    // warnings in the result.
    bool ingestAll(Result* result, QString* error);
    bool ingestFile(const QString& path, Result* result, QString* error);

    static QString positionKey(const QString& fileName);
    // Whether the process that wrote a spool file still exists.
    static bool shellAlive(qint64 pid);

private:
    bool ingestOpenFile(int fd, const QString& path, const SpoolFileName& name, bool final, Result* result,
                        QString* error);
    // Whether the record is the start of the shell's `exit` (endsTheShell) or the end of
    // one, which comes when the shell did not exit (stopped jobs): neither is stored.
    bool isShellEnd(const SpoolRecord& record, QByteArrayView sessionId);

    QString m_directory;
    SinkForSession m_sinkForSession;
    Commit m_commit;
    FinishedHook m_finishedHook;
    std::string m_host;
    QSet<QByteArray> m_shellEnds; // command ids of `exit` starts whose end may still come
};

} // namespace trailmark::capture
