#include "chains/export/ImageCopier.h"

#include "chains/export/FormatWriter.h"
#include "store/Store.h"

#include <spdlog/spdlog.h>

namespace trailmark::chains {
namespace {

QString extensionFor(const QByteArray& bytes)
{
    if (bytes.startsWith("\x89PNG"))
        return QStringLiteral("png");
    if (bytes.startsWith("\xff\xd8"))
        return QStringLiteral("jpg");
    if (bytes.startsWith("RIFF") && bytes.mid(8, 4) == "WEBP")
        return QStringLiteral("webp");
    return QStringLiteral("bin");
}

} // namespace

ImageCopier::ImageCopier(store::Store& store, QString root)
    : m_store(store)
    , m_root(std::move(root))
{}

QString ImageCopier::pathFor(const QString& sha256Hex)
{
    std::lock_guard lock(m_mutex);
    if (const auto copied = m_copied.constFind(sha256Hex); copied != m_copied.cend())
        return *copied;
    const QByteArray key = QByteArray::fromHex(sha256Hex.toLatin1());
    QString blobError;
    const auto bytes = m_store.blob(key, &blobError);
    if (!bytes) {
        spdlog::warn("export: screenshot {} is missing: {}", sha256Hex.toStdString(), blobError.toStdString());
        return {};
    }
    const QString relative = QStringLiteral("images/%1.%2").arg(sha256Hex, extensionFor(*bytes));
    QString writeError;
    if (!OutputFile::writeWhole(m_root + QLatin1Char('/') + relative,
                                std::string_view(bytes->constData(), static_cast<size_t>(bytes->size())),
                                &writeError)) {
        spdlog::warn("export: {}", writeError.toStdString());
        return {};
    }
    m_copied.insert(sha256Hex, relative);
    return relative;
}

qint64 ImageCopier::copied()
{
    std::lock_guard lock(m_mutex);
    return m_copied.size();
}

} // namespace trailmark::chains
