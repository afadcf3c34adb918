#pragma once

#include <string_view>

namespace trailmark::chains {

// True when bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing above
// U+10FFFF). Exports keep text as JSON strings and add the exact bytes as base64 only
// when this is false, so readers never get silently altered commands.
bool isValidUtf8(std::string_view bytes);

} // namespace trailmark::chains
