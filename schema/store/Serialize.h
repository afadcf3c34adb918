#pragma once

#include <QByteArray>

#include <google/protobuf/message_lite.h>

namespace trailmark::store {

// A message as the bytes a payload column holds.
inline QByteArray serialize(const google::protobuf::MessageLite& message)
{
    QByteArray bytes(static_cast<qsizetype>(message.ByteSizeLong()), Qt::Uninitialized);
    message.SerializeWithCachedSizesToArray(reinterpret_cast<uint8_t*>(bytes.data()));
    return bytes;
}

} // namespace trailmark::store
