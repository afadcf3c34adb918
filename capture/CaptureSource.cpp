// Anchors the CaptureSource vtable and moc output in this library.
#include "capture/CaptureSource.h"

namespace trailmark::capture {

std::optional<QByteArray> EventSink::putBlob(const QByteArray&, const QString&, QString* error)
{
    *error = QStringLiteral("this event sink stores no pictures");
    return std::nullopt;
}

} // namespace trailmark::capture
