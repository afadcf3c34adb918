#include "chains/export/JsonWriter.h"

#include <QStringList>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace trailmark::chains {
namespace {

// Length of the well-formed UTF-8 sequence starting at p (1..4), or 0 when it is not.
size_t utf8SequenceLength(const unsigned char* p, const unsigned char* end)
{
    const unsigned char c = *p;
    size_t length = 0;
    unsigned int code = 0;
    unsigned int minimum = 0;
    if ((c & 0xE0) == 0xC0) {
        length = 2;
        code = c & 0x1F;
        minimum = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        length = 3;
        code = c & 0x0F;
        minimum = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        length = 4;
        code = c & 0x07;
        minimum = 0x10000;
    } else {
        return 0;
    }
    if (static_cast<size_t>(end - p) < length)
        return 0;
    for (size_t i = 1; i < length; ++i) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        code = (code << 6) | (p[i] & 0x3F);
    }
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
        return 0;
    return length;
}

// True when any of the 8 bytes needs attention: a control character, '"', '\\', or a
// byte of a multi-byte UTF-8 sequence (classic SWAR "has byte" tests).
bool needsAttention(std::uint64_t word)
{
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    const std::uint64_t quote = word ^ (kOnes * '"');
    const std::uint64_t backslash = word ^ (kOnes * '\\');
    const std::uint64_t control = (word - kOnes * 0x20) & ~word;
    const std::uint64_t hasQuote = (quote - kOnes) & ~quote;
    const std::uint64_t hasBackslash = (backslash - kOnes) & ~backslash;
    return ((control | hasQuote | hasBackslash) & kHigh) != 0 || (word & kHigh) != 0;
}

// Escapes text into out. Returns false (out unchanged) when text is not valid UTF-8.
bool appendEscaped(std::string& out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    const size_t rollback = out.size();
    const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = begin + text.size();
    const auto* p = begin;
    const auto* plainFrom = begin;
    while (p < end) {
#if defined(__SSE2__)
        // Sixteen bytes at a time (SSE2 is part of x86-64), straight to the first that
        // needs a look: a signed compare below 0x20 flags both control characters and
        // the bytes of multi-byte UTF-8 sequences.
        if (end - p >= 16) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            const __m128i flagged = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'))),
                _mm_cmplt_epi8(bytes, _mm_set1_epi8(0x20)));
            const int mask = _mm_movemask_epi8(flagged);
            if (mask == 0) {
                p += 16;
                continue;
            }
            p += __builtin_ctz(static_cast<unsigned int>(mask));
        }
#endif
        if (end - p >= 8) {
            std::uint64_t word;
            std::memcpy(&word, p, sizeof word);
            if (!needsAttention(word)) {
                p += 8;
                continue;
            }
        }
        const unsigned char c = *p;
        if (c >= 0x80) {
            const size_t length = utf8SequenceLength(p, end);
            if (length == 0) {
                out.resize(rollback);
                return false;
            }
            p += length;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++p;
            continue;
        }
        out.append(reinterpret_cast<const char*>(plainFrom), static_cast<size_t>(p - plainFrom));
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default: {
            const char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            out.append(escaped, sizeof escaped);
        }
        }
        ++p;
        plainFrom = p;
    }
    out.append(reinterpret_cast<const char*>(plainFrom), static_cast<size_t>(end - plainFrom));
    return true;
}

} // namespace

bool JsonWriter::appendString(std::string& out, std::string_view utf8)
{
    out += '"';
    const bool valid = appendEscaped(out, utf8);
    if (!valid) {
        const QByteArray repaired = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size())).toUtf8();
        appendEscaped(out, std::string_view(repaired.constData(), static_cast<size_t>(repaired.size())));
    }
    out += '"';
    return valid;
}

JsonWriter& JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    Q_ASSERT(m_depth < kMaxDepth);
    m_hasItems[m_depth++] = false;
    return *this;
}

JsonWriter& JsonWriter::continueObject()
{
    Q_ASSERT(m_depth < kMaxDepth);
    m_hasItems[m_depth++] = true;
    return *this;
}

JsonWriter& JsonWriter::endObject()
{
    m_out += '}';
    --m_depth;
    return *this;
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    Q_ASSERT(m_depth < kMaxDepth);
    m_hasItems[m_depth++] = false;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    m_out += ']';
    --m_depth;
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
    return key(name, {});
}

JsonWriter& JsonWriter::key(std::string_view name, std::string_view suffix)
{
    separate();
    // Keys are our own ASCII identifiers: nothing to escape. Built on the stack and
    // appended once: keys are a third of a row's calls.
    char text[96];
    const size_t length = name.size() + suffix.size() + 3;
    if (length <= sizeof text) {
        text[0] = '"';
        // std::copy, not memcpy: an empty suffix's data() is null, which memcpy may not take.
        std::copy(name.begin(), name.end(), text + 1);
        std::copy(suffix.begin(), suffix.end(), text + 1 + name.size());
        text[length - 2] = '"';
        text[length - 1] = ':';
        m_out.append(text, length);
    } else {
        m_out.append(1, '"').append(name).append(suffix).append("\":");
    }
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view utf8)
{
    separate();
    appendString(m_out, utf8);
    return *this;
}

JsonWriter& JsonWriter::value(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return value(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
}

JsonWriter& JsonWriter::concatenated(std::initializer_list<std::string_view> pieces)
{
    separate();
    m_out += '"';
    for (const std::string_view piece : pieces) {
        if (!appendEscaped(m_out, piece)) {
            const QByteArray repaired = QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size())).toUtf8();
            appendEscaped(m_out, std::string_view(repaired.constData(), static_cast<size_t>(repaired.size())));
        }
    }
    m_out += '"';
    return *this;
}

JsonWriter& JsonWriter::value(qint64 number)
{
    separate();
    // On the stack: nanosecond times have 19 digits, past std::string's inline buffer.
    std::array<char, 24> text{};
    const auto result = std::to_chars(text.data(), text.data() + text.size(), number);
    m_out.append(text.data(), result.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null();
    separate();
    std::array<char, 32> text{};
    const auto result = std::to_chars(text.data(), text.data() + text.size(), number);
    m_out.append(text.data(), result.ptr);
    return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
    separate();
    m_out += flag ? "true" : "false";
    return *this;
}

JsonWriter& JsonWriter::null()
{
    separate();
    m_out += "null";
    return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
    separate();
    m_out += json;
    return *this;
}

JsonWriter& JsonWriter::textOrNull(std::string_view name, const QString& text)
{
    key(name);
    return text.isEmpty() ? null() : value(text);
}

JsonWriter& JsonWriter::stringList(std::string_view name, const QStringList& list)
{
    key(name);
    beginArray();
    for (const QString& item : list)
        value(item);
    return endArray();
}

JsonWriter& JsonWriter::bytesWithBase64(std::string_view name, const std::string& bytes, bool applies)
{
    constexpr std::string_view kSuffix = "_base64";
    if (!applies) {
        nullField(name);
        return key(name, kSuffix).null();
    }
    key(name);
    separate();
    const bool valid = appendString(m_out, bytes);
    key(name, kSuffix);
    if (valid)
        return null();
    return value(QString::fromLatin1(QByteArray::fromStdString(bytes).toBase64()));
}

JsonWriter& JsonWriter::bytesOrNull(std::string_view name, const std::string& bytes, bool applies)
{
    return applies && !bytes.empty() ? field(name, bytes) : nullField(name);
}

JsonWriter& JsonWriter::numberOrNull(std::string_view name, qint64 number, bool applies)
{
    return applies ? field(name, number) : nullField(name);
}

} // namespace trailmark::chains
