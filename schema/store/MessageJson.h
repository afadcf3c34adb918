#pragma once

#include <QJsonObject>

namespace google::protobuf {
class Message;
}

namespace trailmark::store {

// A protobuf message as a JSON object for people and scripts: field names as in the
// .proto, enums by name, int64 as JSON numbers (exact below 2^53, which covers
// nanosecond times until 2255), and bytes fields as text (UTF-8, invalid sequences
// replaced by U+FFFD) because every bytes field in our schema holds text that may be
// malformed, not binary data. Unset fields are included with their default values so
// every object of a kind has the same keys.
QJsonObject messageToJson(const google::protobuf::Message& message);

} // namespace trailmark::store
