#pragma once

#include "TestSupport.h"
#include "chains/TrajectoryBuilder.h"
#include "chains/export/FormatWriter.h"
#include "store/Store.h"
#include "trailmark/v1/event.pb.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trailmark::test {

// A file's text before and after an edit, and the change as the recorder stores it:
// the diff made by the same libgit2 call the capture source makes.
struct FileText
{
    FileText(QString path_, std::optional<QByteArray> before_, std::optional<QByteArray> after_, QString oldPath_ = {})
        : path(std::move(path_))
        , before(std::move(before_))
        , after(std::move(after_))
        , oldPath(std::move(oldPath_))
    {}
    QString path;
    std::optional<QByteArray> before;
    std::optional<QByteArray> after;
    QString oldPath; // for a rename
};

v1::Event fileEdit(const QList<FileText>& files, const std::string& commandId = {}, bool effects = false);
QByteArray numberedLines(int count, const char* pattern);
// Does what a str_replace editor does with the calls: `create` writes the file,
// `str_replace` needs old_str exactly once. Returns the error a real editor would give.
QString replay(QMap<QString, QByteArray>& tree, const std::vector<chains::exportutil::ChatCall>& calls);

} // namespace trailmark::test

// What the edit-chain tests share: a database, reopened for each test, to write
// sessions into, their trajectories, and the trailmark binary run on it.
class EditChainFixture : public QObject
{
    Q_OBJECT

protected:
    std::optional<trailmark::chains::Trajectory> load(const QString& sessionId);
    struct Cli
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    Cli trailmark(const QStringList& arguments);

    trailmark::test::TempDatabase m_database;
    std::unique_ptr<trailmark::store::Store> m_store;

private Q_SLOTS:
    void init();
};
