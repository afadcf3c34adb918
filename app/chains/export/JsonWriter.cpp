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

// The first byte from p on that needs attention: a control character, '"', '\\', or a
// byte of a multi-byte UTF-8 sequence; end when there is none.
const unsigned char* nextAttention(const unsigned char* p, const unsigned char* end)
{
#if defined(__SSE2__)
    // Sixteen bytes at a time (SSE2 is part of x86-64): a signed compare below 0x20 flags
    // both control characters and bytes of 0x80 and up. The last few bytes of a string
    // (most strings here are short: ids, paths, command lines) are copied into a block of
    // spaces first, so they take the same path.
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    while (p < end) {
        const auto left = static_cast<size_t>(end - p);
        __m128i bytes;
        unsigned int valid = 0xFFFF;
        if (left >= 16) {
            bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        } else {
            alignas(16) unsigned char tail[16];
            std::memset(tail, ' ', sizeof tail);
            std::memcpy(tail, p, left);
            bytes = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
            valid = (1u << left) - 1;
        }
        const __m128i flagged = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)), _mm_cmplt_epi8(bytes, space));
        const unsigned int mask = static_cast<unsigned int>(_mm_movemask_epi8(flagged)) & valid;
        if (mask != 0)
            return p + __builtin_ctz(mask);
        p += std::min<size_t>(left, 16);
    }
    return end;
#else
    // Eight bytes at a time (classic SWAR "has byte" tests), then byte by byte.
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    while (end - p >= 8) {
        std::uint64_t word;
        std::memcpy(&word, p, sizeof word);
        const std::uint64_t quote = word ^ (kOnes * '"');
        const std::uint64_t backslash = word ^ (kOnes * '\\');
        const std::uint64_t control = (word - kOnes * 0x20) & ~word;
        const std::uint64_t hasQuote = (quote - kOnes) & ~quote;
        const std::uint64_t hasBackslash = (backslash - kOnes) & ~backslash;
        if (((control | hasQuote | hasBackslash | word) & kHigh) != 0)
            break;
        p += 8;
    }
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
        ++p;
    return p;
#endif
}

} // namespace

// Escapes text into the buffer. Returns false (nothing written) when text is not valid
// UTF-8.
bool JsonWriter::escaped(std::string_view text)
{
    static constexpr char kHex[] = "0123456789abcdef";
    const size_t rollback = written();
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const auto* end = p + text.size();
    const auto* plainFrom = p;
    while ((p = nextAttention(p, end)) < end) {
        const unsigned char c = *p;
        if (c >= 0x80) {
            const size_t length = utf8SequenceLength(p, end);
            if (length == 0) {
                truncate(rollback);
                return false;
            }
            p += length;
            continue;
        }
        put(std::string_view(reinterpret_cast<const char*>(plainFrom), static_cast<size_t>(p - plainFrom)));
        char* at = room(6);
        *at++ = '\\';
        switch (c) {
        case '"':
            *at++ = '"';
            break;
        case '\\':
            *at++ = '\\';
            break;
        case '\n':
            *at++ = 'n';
            break;
        case '\r':
            *at++ = 'r';
            break;
        case '\t':
            *at++ = 't';
            break;
        default:
            *at++ = 'u';
            *at++ = '0';
            *at++ = '0';
            *at++ = kHex[c >> 4];
            *at++ = kHex[c & 0xF];
        }
        m_staged = static_cast<size_t>(at - m_stage);
        ++p;
        plainFrom = p;
    }
    put(std::string_view(reinterpret_cast<const char*>(plainFrom), static_cast<size_t>(end - plainFrom)));
    return true;
}

void JsonWriter::truncate(size_t to)
{
    if (to >= m_out.size()) {
        m_staged = to - m_out.size();
    } else {
        m_out.resize(to);
        m_staged = 0;
    }
}

void JsonWriter::putSlow(const char* bytes, size_t size)
{
    flush();
    // Long text (an output of megabytes) goes to out as it is, not through the buffer.
    if (size >= kStageSize / 2) {
        m_out.append(bytes, size);
        return;
    }
    std::memcpy(m_stage, bytes, size);
    m_staged = size;
}

bool JsonWriter::string(std::string_view utf8)
{
    put('"');
    const bool valid = escaped(utf8);
    if (!valid) {
        const QByteArray repaired = QString::fromUtf8(utf8.data(), static_cast<qsizetype>(utf8.size())).toUtf8();
        escaped(std::string_view(repaired.constData(), static_cast<size_t>(repaired.size())));
    }
    put('"');
    return valid;
}

bool JsonWriter::appendString(std::string& out, std::string_view utf8)
{
    JsonWriter json(out);
    return json.string(utf8);
}

JsonWriter& JsonWriter::beginObject()
{
    separate();
    put('{');
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
    put('}');
    --m_depth;
    return itemDone();
}

JsonWriter& JsonWriter::beginArray()
{
    separate();
    put('[');
    Q_ASSERT(m_depth < kMaxDepth);
    m_hasItems[m_depth++] = false;
    return *this;
}

JsonWriter& JsonWriter::endArray()
{
    put(']');
    --m_depth;
    return itemDone();
}

JsonWriter& JsonWriter::key(std::string_view name, std::string_view suffix)
{
    const bool comma = startItem();
    const size_t length = name.size() + suffix.size() + 3 + (comma ? 1 : 0);
    if (length <= kStageSize) {
        char* at = room(length);
        if (comma)
            *at++ = ',';
        *at++ = '"';
        // std::copy, not memcpy: an empty suffix's data() is null, which memcpy may not take.
        at = std::copy(name.begin(), name.end(), at);
        at = std::copy(suffix.begin(), suffix.end(), at);
        *at++ = '"';
        *at++ = ':';
        m_staged = static_cast<size_t>(at - m_stage);
    } else {
        put(comma ? std::string_view(",\"") : std::string_view("\""));
        put(name);
        put(suffix);
        put(std::string_view("\":"));
    }
    m_afterKey = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view utf8)
{
    separate();
    string(utf8);
    return itemDone();
}

JsonWriter& JsonWriter::value(const QString& text)
{
    const QByteArray utf8 = text.toUtf8();
    return value(std::string_view(utf8.constData(), static_cast<size_t>(utf8.size())));
}

JsonWriter& JsonWriter::concatenated(std::initializer_list<std::string_view> pieces)
{
    separate();
    put('"');
    for (const std::string_view piece : pieces) {
        if (!escaped(piece)) {
            const QByteArray repaired = QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size())).toUtf8();
            escaped(std::string_view(repaired.constData(), static_cast<size_t>(repaired.size())));
        }
    }
    put('"');
    return itemDone();
}

JsonWriter& JsonWriter::value(qint64 number)
{
    separate();
    // Straight into the buffer: nanosecond times have 19 digits.
    char* at = room(24);
    m_staged = static_cast<size_t>(std::to_chars(at, at + 24, number).ptr - m_stage);
    return itemDone();
}

JsonWriter& JsonWriter::value(double number)
{
    if (!std::isfinite(number))
        return null();
    separate();
    char* at = room(32);
    m_staged = static_cast<size_t>(std::to_chars(at, at + 32, number).ptr - m_stage);
    return itemDone();
}

JsonWriter& JsonWriter::value(bool flag)
{
    separate();
    put(flag ? std::string_view("true") : std::string_view("false"));
    return itemDone();
}

JsonWriter& JsonWriter::null()
{
    separate();
    put(std::string_view("null"));
    return itemDone();
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
    separate();
    put(json);
    return itemDone();
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
    const bool valid = string(bytes);
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
