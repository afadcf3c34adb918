#pragma once

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <optional>

class QLocalServer;
class QLocalSocket;

namespace trailmark::capture {

// The local control channel of a running recorder: a Unix socket in the spool
// directory (0700 directory, 0600 socket), named after the database, so `trailmark note`
// from any terminal reaches the recorder of that database and no other user can.
//
// One JSON object per line each way: {"request": "note", "text": ..., "kind": ...}
// answered by {"ok": true, ...} or {"ok": false, "error": "..."}.
class RecorderControlServer : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<QJsonObject(const QJsonObject& request)>;

    explicit RecorderControlServer(Handler handler, QObject* parent = nullptr);
    ~RecorderControlServer() override;

    // Listens on socketPath(databasePath). The caller holds the recorder lock, so a
    // socket file left by a killed recorder is stale and is replaced.
    bool listen(const QString& databasePath, QString* error);
    void close();
    QString path() const;

    // Where the recorder of databasePath listens.
    static QString socketPath(const QString& databasePath);

private:
    void accept();
    void readRequest(QLocalSocket* socket);

    Handler m_handler;
    QLocalServer* m_server = nullptr;
};

namespace recordercontrol {
// Sends one request to the recorder of databasePath and returns its answer; nullopt
// and why when no recorder runs for that database or it did not answer in time.
std::optional<QJsonObject> send(const QString& databasePath, const QJsonObject& request, int timeoutMs, QString* error);
} // namespace recordercontrol

} // namespace trailmark::capture
