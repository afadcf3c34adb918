// libFuzzer target: a stored event's payload as `show` and the exporters decode it
// (Event::ParseFromArray, then the JSON view every reader builds from it).
#include "store/MessageJson.h"
#include "trailmark/v1/event.pb.h"

#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    trailmark::v1::Event event;
    if (!event.ParseFromArray(data, static_cast<int>(size)))
        return 0;
    const QJsonObject json = trailmark::store::messageToJson(event);
    (void)QJsonDocument(json).toJson(QJsonDocument::Compact);
    // A decoded message serializes again and decodes to the same message.
    const std::string again = event.SerializeAsString();
    trailmark::v1::Event reparsed;
    if (!reparsed.ParseFromString(again) || reparsed.SerializeAsString() != again)
        __builtin_trap();
    return 0;
}
