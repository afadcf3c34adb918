#include "capture/RecorderControl.h"

#include "capture/RecorderLock.h"
#include "capture/shell/SpoolDirectory.h"
#include "store/PrivateFiles.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLocalServer>
#include <QLocalSocket>

#include <spdlog/spdlog.h>

namespace trailmark::capture {
namespace {

// A request is a note, not a document: anything longer is a mistake or an attack.
constexpr qint64 kMaxRequestBytes = 256 * 1024;

QString canonicalDatabasePath(const QString& databasePath)
{
    const QFileInfo info(databasePath);
    const QString canonical = info.canonicalFilePath();
    return canonical.isEmpty() ? info.absoluteFilePath() : canonical;
}

QByteArray encode(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace

RecorderControlServer::RecorderControlServer(Handler handler, QObject* parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{}

RecorderControlServer::~RecorderControlServer()
{
    close();
}

QString RecorderControlServer::socketPath(const QString& databasePath)
{
    // A hash keeps the name short (sun_path holds 108 bytes) and free of odd characters.
    const QByteArray hash =
        QCryptographicHash::hash(canonicalDatabasePath(databasePath).toUtf8(), QCryptographicHash::Sha256).toHex();
    return spoolDirectory() + QStringLiteral("/recorder-") + QString::fromLatin1(hash.left(16)) +
           QStringLiteral(".sock");
}

QString RecorderControlServer::path() const
{
    return m_server != nullptr ? m_server->fullServerName() : QString();
}

bool RecorderControlServer::listen(const QString& databasePath, QString* error)
{
    close();
    const QString path = socketPath(databasePath);
    if (!store::privatefiles::ensureDirectory(QFileInfo(path).absolutePath(), error))
        return false;
    QLocalServer::removeServer(path);
    m_server = new QLocalServer(this);
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    if (!m_server->listen(path)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString());
        delete m_server;
        m_server = nullptr;
        return false;
    }
    connect(m_server, &QLocalServer::newConnection, this, &RecorderControlServer::accept);
    spdlog::info("recorder control socket: {}", path.toStdString());
    return true;
}

void RecorderControlServer::close()
{
    if (m_server == nullptr)
        return;
    m_server->close(); // also removes the socket file
    delete m_server;
    m_server = nullptr;
}

void RecorderControlServer::accept()
{
    while (QLocalSocket* socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { readRequest(socket); });
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        readRequest(socket);
    }
}

void RecorderControlServer::readRequest(QLocalSocket* socket)
{
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > kMaxRequestBytes) {
            socket->write(
                encode({{QStringLiteral("ok"), false}, {QStringLiteral("error"), QStringLiteral("request too long")}}));
            socket->disconnectFromServer();
        }
        return;
    }
    const QByteArray line = socket->readLine(kMaxRequestBytes);
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
    QJsonObject answer;
    if (!document.isObject())
        answer = {{QStringLiteral("ok"), false},
                  {QStringLiteral("error"), QStringLiteral("malformed request: %1").arg(parseError.errorString())}};
    else
        answer = m_handler(document.object());
    socket->write(encode(answer));
    socket->flush();
}

namespace recordercontrol {

std::optional<QJsonObject> send(const QString& databasePath, const QJsonObject& request, int timeoutMs, QString* error)
{
    const QString noRecorder = QStringLiteral("no recorder is running for %1 (start one with `trailmark record`)")
                                   .arg(QFileInfo(databasePath).absoluteFilePath());
    qint64 pid = 0;
    if (!RecorderLock::isLocked(databasePath, &pid)) {
        *error = noRecorder;
        return std::nullopt;
    }
    QLocalSocket socket;
    socket.connectToServer(RecorderControlServer::socketPath(databasePath));
    if (!socket.waitForConnected(timeoutMs)) {
        *error = pid > 0 ? QStringLiteral("the recorder for %1 (pid %2) does not answer on %3: %4")
                               .arg(databasePath)
                               .arg(pid)
                               .arg(RecorderControlServer::socketPath(databasePath), socket.errorString())
                         : noRecorder;
        return std::nullopt;
    }
    socket.write(encode(request));
    if (!socket.waitForBytesWritten(timeoutMs)) {
        *error = QStringLiteral("cannot send to the recorder for %1: %2").arg(databasePath, socket.errorString());
        return std::nullopt;
    }
    while (!socket.canReadLine()) {
        if (!socket.waitForReadyRead(timeoutMs)) {
            *error = QStringLiteral("the recorder for %1 did not answer: %2").arg(databasePath, socket.errorString());
            return std::nullopt;
        }
    }
    const QJsonDocument answer = QJsonDocument::fromJson(socket.readLine());
    if (!answer.isObject()) {
        *error = QStringLiteral("the recorder for %1 sent a malformed answer").arg(databasePath);
        return std::nullopt;
    }
    return answer.object();
}

} // namespace recordercontrol
} // namespace trailmark::capture
