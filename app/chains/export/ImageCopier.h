#pragma once

#include <QHash>
#include <QString>

#include <mutex>

namespace trailmark::store {
class Store;
}

namespace trailmark::chains {

// The pictures an export shows, copied from the store's blobs into its images/ folder,
// each once, named by its key and an extension read from its bytes
// ("images/<sha256>.png"). Writers on every export thread ask for paths.
class ImageCopier
{
public:
    // root: the folder being written.
    ImageCopier(store::Store& store, QString root);
    // The picture's path relative to root, copied on first use; empty when the blob is
    // missing or cannot be written (a warning is logged, the step keeps no image).
    QString pathFor(const QString& sha256Hex);
    // How many pictures were copied.
    qint64 copied();

private:
    store::Store& m_store; // its connection is used under m_mutex only
    const QString m_root;
    std::mutex m_mutex;
    QHash<QString, QString> m_copied; // sha256 hex -> relative path
};

} // namespace trailmark::chains
