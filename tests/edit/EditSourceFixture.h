#pragma once

#include "capture/CaptureSource.h"
#include "trailmark/v1/event.pb.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace trailmark::capture {
class EditSource;
} // namespace trailmark::capture

// What the edit source's tests share: a sink that keeps events in memory, a git
// repository to edit, the shell events that bracket a command, and a wait for the
// source to settle.
namespace trailmark::test {

// What the recorder's sink would store, kept in memory: the source is real (inotify,
// libgit2, the programs that write), only the database is left out of this unit.
class CollectingSink final : public capture::EventSink
{
public:
    bool record(v1::Event& event, QString*) override
    {
        event.set_seq(static_cast<qint64>(events.size()));
        events.push_back(event);
        return true;
    }
    bool commit(QString*) override { return true; }
    bool recordIngestPosition(const QString&, qint64, QString*) override { return true; }
    std::optional<qint64> ingestPosition(const QString&, QString*) override { return 0; }

    std::vector<v1::FileEdit> edits() const
    {
        std::vector<v1::FileEdit> result;
        for (const auto& event : events) {
            if (event.has_file_edit())
                result.push_back(event.file_edit());
        }
        return result;
    }
    std::vector<v1::Event> events;
};

void run(const QString& directory, const QString& program, const QStringList& arguments);
void writeFile(const QString& path, const QByteArray& content);
QByteArray readFile(const QString& path);
void makeRepository(const QString& root);
v1::Event commandStarted(const std::string& id, const QString& command, const QString& cwd,
                         const std::string& shellSession = "bash-1");
v1::Event commandFinished(const std::string& id);
void settle(capture::EditSource& source);

} // namespace trailmark::test
