#pragma once

#include <string_view>

namespace trailmark::chains {

struct ProtoFile
{
    std::string_view name;    // "event.proto"
    std::string_view content; // the .proto text as in schema/trailmark/v1
};

// The schema files, compiled in from schema/trailmark/v1 at build time, so an export
// ships the exact contract its trailmark.pb was written with.
const ProtoFile* protoFilesBegin();
const ProtoFile* protoFilesEnd();

} // namespace trailmark::chains
