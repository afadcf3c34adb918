#pragma once

#include <QString>

#include <string>

namespace trailmark::chains {

// Recorded bytes (commands, output, titles, paths, diffs) as text for people and the text
// exports, invalid UTF-8 replaced. The lossless exports write the bytes themselves.
inline QString utf8Text(const std::string& bytes)
{
    return QString::fromUtf8(bytes.data(), static_cast<qsizetype>(bytes.size()));
}

} // namespace trailmark::chains
