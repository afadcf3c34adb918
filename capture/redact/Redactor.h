#pragma once

#include "capture/SessionSink.h"
#include "capture/redact/RedactionRules.h"
#include "trailmark/v1/event.pb.h"

#include <QHash>

#include <string>
#include <string_view>
#include <vector>

namespace trailmark::capture {

// Replaces secrets in every text field of an event before it is stored: command text,
// output head and tail, note text, window titles. Each secret becomes
// "[REDACTED:<rule>]" in place, so the text keeps its shape, and a Redaction
// {rule, field, offset, length} describing the marker is added to the event. The
// secret itself is never kept anywhere.
//
// Text is handled as bytes: commands may hold invalid UTF-8 and must survive
// byte-exactly. Matching runs on a Latin-1 view of the bytes (each byte one character,
// lossless both ways), so offsets in the view are byte offsets, and only the matched
// spans are replaced: every other byte, valid UTF-8 or not, is copied unchanged.
// Built-in patterns start and end their spans on ASCII characters, so a span never cuts
// a UTF-8 sequence; user patterns' spans are widened to whole UTF-8 characters.
//
// Thread-safe after construction (apply is const; QRegularExpression matching is
// reentrant).
class Redactor final : public EventFilter
{
public:
    explicit Redactor(RedactionRules rules = RedactionRules::builtIn());

    void apply(v1::Event& event) const override;

    // Redacts text in place; appends one Redaction per replacement (field as given) to
    // redactions when not null. Returns the number of replacements.
    int redact(std::string& text, std::string_view field,
               google::protobuf::RepeatedPtrField<v1::Redaction>* redactions) const;

    const RedactionRules& rules() const { return m_rules; }

    // The per-command opt-out, as shells' ignorespace: a command typed with a leading
    // space is not recorded at all (not even redacted).
    static bool isOptedOut(std::string_view command) { return command.starts_with(' '); }

private:
    // Keyword index: every keyword of every rule, found in one pass over the lowercased
    // text by its first two bytes (a 64 Kbit table rejects most positions at once).
    struct Keyword
    {
        QByteArray bytes;
        std::vector<size_t> rules; // indexes of the rules it wakes
    };
    // Marks in active[] the rules whose keywords occur in lowered (and all rules without
    // keywords).
    void findActiveRules(const std::string& lowered, std::vector<char>& active) const;

    RedactionRules m_rules;
    std::vector<Keyword> m_keywords;
    std::vector<quint64> m_bigramSeen;           // 65536 bits: a keyword starts with these two bytes
    QHash<quint16, std::vector<int>> m_byBigram; // bigram -> indexes into m_keywords
    std::vector<size_t> m_alwaysActive;          // rules without keywords
};

} // namespace trailmark::capture
