#pragma once

#include <QString>

#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>

namespace trailmark::chains {

// Appends compact JSON to a std::string, for exports of millions of rows where building
// QJsonObjects would dominate the run time. Keys come out in the order they are
// written, which the exporters fix, so output is byte-identical run to run.
//
// Strings given as bytes are written as they are when they are valid UTF-8; invalid
// sequences become U+FFFD (the lossless exporter adds the exact bytes as base64).
//
// The writer gathers what it writes in a buffer of its own and appends that to `out`
// in one piece: a row is a hundred keys and values, and a std::string append each
// costs more than the bytes. So `out` holds everything written only at these points:
// whenever the outermost object, array or value is complete, after flush(), and once
// the writer is gone. Code that reads or appends to `out` in the middle of a document
// calls flush() first.
class JsonWriter
{
public:
    explicit JsonWriter(std::string& out)
        : m_out(out)
    {}
    ~JsonWriter() { flush(); }
    JsonWriter(const JsonWriter&) = delete;
    JsonWriter& operator=(const JsonWriter&) = delete;

    // Hands everything written so far to `out`.
    void flush()
    {
        if (m_staged > 0) {
            m_out.append(m_stage, m_staged);
            m_staged = 0;
        }
    }

    JsonWriter& beginObject();
    // Goes on with an object that the output already opened and gave members (text
    // written by another JsonWriter, without its closing brace).
    JsonWriter& continueObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    // name must be plain ASCII without quotes or backslashes (it is written as is).
    // Inline: keys are a third of a row's calls, and a literal's length is then known
    // where it is copied.
    JsonWriter& key(std::string_view name)
    {
        const bool comma = startItem();
        const size_t length = name.size() + 3 + (comma ? 1 : 0);
        if (length <= kStageSize - m_staged) {
            char* at = m_stage + m_staged;
            if (comma)
                *at++ = ',';
            *at++ = '"';
            if (!name.empty()) // an empty view's data() may be null, which memcpy may not take
                std::memcpy(at, name.data(), name.size());
            at += name.size();
            *at++ = '"';
            *at++ = ':';
            m_staged = static_cast<size_t>(at - m_stage);
        } else {
            putSlow(comma ? ",\"" : "\"", comma ? 2 : 1);
            putSlow(name.data(), name.size());
            putSlow("\":", 2);
        }
        m_afterKey = true;
        return *this;
    }

    JsonWriter& value(std::string_view utf8);
    JsonWriter& value(const char* utf8) { return value(std::string_view(utf8)); }
    JsonWriter& value(const std::string& bytes) { return value(std::string_view(bytes)); }
    JsonWriter& value(const QString& text);
    // One string made of several byte pieces, escaped as they are appended (no joined
    // copy first).
    JsonWriter& concatenated(std::initializer_list<std::string_view> pieces);
    JsonWriter& value(qint64 number);
    JsonWriter& value(int number) { return value(static_cast<qint64>(number)); }
    JsonWriter& value(bool flag);
    // The shortest text that reads back as the same double; null when not finite.
    JsonWriter& value(double number);
    JsonWriter& null();
    // Already-serialised JSON (a nested document written by another JsonWriter).
    JsonWriter& raw(std::string_view json);

    // key + value in one call.
    template <typename T> JsonWriter& field(std::string_view name, const T& v)
    {
        key(name);
        return value(v);
    }
    JsonWriter& nullField(std::string_view name)
    {
        key(name);
        return null();
    }
    // A string, or null when empty.
    JsonWriter& textOrNull(std::string_view name, const QString& text);
    JsonWriter& stringList(std::string_view name, const QStringList& list);
    // Bytes as a string plus, when they are not valid UTF-8, their exact value in base64
    // under "<name>_base64" (null otherwise); both null when the field does not apply.
    JsonWriter& bytesWithBase64(std::string_view name, const std::string& bytes, bool applies);
    // Bytes as a string, or null when the field does not apply or is empty.
    JsonWriter& bytesOrNull(std::string_view name, const std::string& bytes, bool applies = true);
    // A number, or null when it does not apply (an index of -1, an unknown exit code).
    JsonWriter& numberOrNull(std::string_view name, qint64 number, bool applies);

    // The string as a JSON string literal (quotes included), for arguments that must be
    // JSON encoded inside JSON. False when the bytes were not valid UTF-8 (and were
    // written repaired).
    static bool appendString(std::string& out, std::string_view utf8);

private:
    // Whether the item about to be written needs a comma before it: not the first of its
    // container, and not a key's value. Inline: it runs before every key and value.
    bool startItem()
    {
        if (m_afterKey) {
            m_afterKey = false;
            return false;
        }
        if (m_depth == 0)
            return false;
        const bool comma = m_hasItems[m_depth - 1];
        m_hasItems[m_depth - 1] = true;
        return comma;
    }
    void separate()
    {
        if (startItem())
            put(',');
    }
    void put(char c)
    {
        if (m_staged == kStageSize)
            flush();
        m_stage[m_staged++] = c;
    }
    void put(std::string_view bytes)
    {
        if (bytes.empty())
            return;
        if (bytes.size() <= kStageSize - m_staged) {
            std::memcpy(m_stage + m_staged, bytes.data(), bytes.size());
            m_staged += bytes.size();
        } else {
            putSlow(bytes.data(), bytes.size());
        }
    }
    void putSlow(const char* bytes, size_t size);
    // Room for size bytes at the end of the buffer (size at most kStageSize).
    char* room(size_t size)
    {
        if (size > kStageSize - m_staged)
            flush();
        return m_stage + m_staged;
    }
    // Once the outermost item is complete, the document goes to out.
    JsonWriter& itemDone()
    {
        if (m_depth == 0)
            flush();
        return *this;
    }
    // A string's quotes and escaped text; false when the bytes were not valid UTF-8
    // (they are written repaired).
    bool string(std::string_view utf8);
    bool escaped(std::string_view text);
    // Where the document is, counting what is still in the buffer.
    size_t written() const { return m_out.size() + m_staged; }
    void truncate(size_t to);
    // key() of name + suffix, without building the joined name.
    JsonWriter& key(std::string_view name, std::string_view suffix);

    static constexpr size_t kStageSize = 8192;
    std::string& m_out;
    // Whether each open container already holds an item. A fixed stack: writers are
    // made per row, and our documents nest a few levels deep.
    static constexpr int kMaxDepth = 32;
    bool m_hasItems[kMaxDepth] = {};
    int m_depth = 0;
    bool m_afterKey = false;
    size_t m_staged = 0;
    char m_stage[kStageSize];
};

} // namespace trailmark::chains
