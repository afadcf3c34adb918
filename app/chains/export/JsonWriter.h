#pragma once

#include <QString>

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
class JsonWriter
{
public:
    explicit JsonWriter(std::string& out)
        : m_out(out)
    {}

    JsonWriter& beginObject();
    // Goes on with an object that the output already opened and gave members (text
    // written by another JsonWriter, without its closing brace).
    JsonWriter& continueObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    // name must be plain ASCII without quotes or backslashes (it is written as is).
    JsonWriter& key(std::string_view name);

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
    // The comma before an item, unless it is the first of its container or a key's
    // value. Inline: it runs before every key and value.
    void separate()
    {
        if (m_afterKey) {
            m_afterKey = false;
            return;
        }
        if (m_depth > 0) {
            if (m_hasItems[m_depth - 1])
                m_out += ',';
            m_hasItems[m_depth - 1] = true;
        }
    }
    // key() of name + suffix, without building the joined name.
    JsonWriter& key(std::string_view name, std::string_view suffix);

    std::string& m_out;
    // Whether each open container already holds an item. A fixed stack: writers are
    // made per row, and our documents nest a few levels deep.
    static constexpr int kMaxDepth = 32;
    bool m_hasItems[kMaxDepth] = {};
    int m_depth = 0;
    bool m_afterKey = false;
};

} // namespace trailmark::chains
