#pragma once

#include "trailmark/v1/event.pb.h"
#include "trailmark/v1/options.pb.h"

#include <functional>
#include <string_view>

// The blobs an event refers to, read from the message itself: its bytes fields marked
// `[(blob_role) = ...]` in event.proto, at any depth (nested messages, repeated fields).
// The team store's push and `trailmark verify` ask here, so no layer keeps a list of the
// kinds of event that carry pictures, and a new kind with pictures is found as soon as
// its proto marks them.
namespace trailmark::store::eventblobs {

struct BlobReference
{
    std::string_view key;                                     // the SHA-256, never empty
    const google::protobuf::FieldDescriptor* field = nullptr; // the marked field
    v1::BlobRole role = v1::BLOB_ROLE_UNSPECIFIED;
};
// Called once per blob key; the key's bytes are valid during the call only.
using Visitor = std::function<void(const BlobReference&)>;

// Whether a message of this type can refer to a blob, at any depth. Each type's
// descriptor is read once; later calls are a lookup.
bool canHoldBlobs(const google::protobuf::Descriptor* type);
// Whether an event of this body kind (the events.kind column: Event's body field
// number) can refer to a blob, so rows of every other kind need not be decoded.
bool kindCanHoldBlobs(int kind);

// Every non-empty blob key in the message, in field-number order, depth first. A key
// that appears twice is visited twice.
void forEachBlob(const google::protobuf::Message& message, const Visitor& visit);

// The blob keys of stored event rows (kind, payload): a push or a check reads every row
// of a session, so only rows whose kind can hold blobs are decoded, into one reused
// event. One reader per thread.
class RowBlobReader
{
public:
    // False, visiting nothing, when the row's kind can hold blobs but its payload does
    // not decode: the caller decides what a damaged row means.
    bool read(int kind, std::string_view payload, const Visitor& visit);

private:
    v1::Event m_event;
};

} // namespace trailmark::store::eventblobs
