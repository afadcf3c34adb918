#pragma once

#include <QtGlobal>

#include <string_view>

namespace trailmark::store {

// True when bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing above
// U+10FFFF). Importers keep invalid commands as bytes only when this is false; exports
// keep text as JSON strings and add the exact bytes as base64 only when this is false,
// so readers never get silently altered commands.
bool isValidUtf8(std::string_view bytes);
inline bool isValidUtf8(const char* data, qsizetype size)
{
    return isValidUtf8(std::string_view(data, static_cast<size_t>(size)));
}

} // namespace trailmark::store
