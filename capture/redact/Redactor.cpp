#include "capture/redact/Redactor.h"

#include "store/EventFields.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

namespace trailmark::capture {
namespace {

struct Span
{
    qsizetype start = 0;
    qsizetype end = 0;
    size_t rule = 0;
};

constexpr std::string_view kMarkerStart = "[REDACTED:";

bool isUtf8Continuation(char byte)
{
    return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

quint16 bigramAt(const char* bytes)
{
    return static_cast<quint16>(static_cast<unsigned char>(bytes[0]) << 8 | static_cast<unsigned char>(bytes[1]));
}

// The span of the secret in a match: the first capturing group that matched something,
// or the whole match for patterns without groups.
std::optional<std::pair<qsizetype, qsizetype>> secretSpan(const QRegularExpressionMatch& match, int captureCount)
{
    if (captureCount == 0)
        return std::pair{match.capturedStart(0), match.capturedEnd(0)};
    for (int group = 1; group <= captureCount; ++group) {
        if (match.capturedStart(group) >= 0 && match.capturedLength(group) > 0)
            return std::pair{match.capturedStart(group), match.capturedEnd(group)};
    }
    return std::nullopt;
}

// Shannon entropy of the bytes, in bits per byte (0 for one repeated byte, 4 for 16
// distinct bytes, at most 8).
double shannonEntropy(std::string_view bytes)
{
    if (bytes.empty())
        return 0;
    std::array<int, 256> counts{};
    for (char byte : bytes)
        ++counts[static_cast<unsigned char>(byte)];
    const auto size = static_cast<double>(bytes.size());
    double entropy = 0;
    for (int count : counts) {
        if (count == 0)
            continue;
        const double p = count / size;
        entropy -= p * std::log2(p);
    }
    return entropy;
}

} // namespace

Redactor::Redactor(RedactionRules rules)
    : m_rules(std::move(rules))
    , m_bigramSeen(65536 / 64, 0)
{
    QHash<QByteArray, int> keywordIndex;
    const auto& all = m_rules.rules();
    for (size_t rule = 0; rule < all.size(); ++rule) {
        if (all[rule].keywords.isEmpty()) {
            m_alwaysActive.push_back(rule);
            continue;
        }
        for (const QByteArray& keyword : all[rule].keywords) {
            if (keyword.size() < 2) { // cannot be indexed by a bigram: run the rule always
                m_alwaysActive.push_back(rule);
                continue;
            }
            auto it = keywordIndex.find(keyword);
            if (it == keywordIndex.end()) {
                it = keywordIndex.insert(keyword, static_cast<int>(m_keywords.size()));
                m_keywords.push_back({keyword, {}});
                const quint16 bigram = bigramAt(keyword.constData());
                m_bigramSeen[bigram / 64] |= quint64(1) << (bigram % 64);
                m_byBigram[bigram].push_back(*it);
            }
            m_keywords[static_cast<size_t>(*it)].rules.push_back(rule);
        }
    }
}

void Redactor::findActiveRules(const std::string& lowered, std::vector<char>& active) const
{
    active.assign(m_rules.rules().size(), 0);
    for (size_t rule : m_alwaysActive)
        active[rule] = 1;
    const char* data = lowered.data();
    const size_t size = lowered.size();
    for (size_t i = 0; i + 1 < size; ++i) {
        const quint16 bigram = bigramAt(data + i);
        if ((m_bigramSeen[bigram / 64] & (quint64(1) << (bigram % 64))) == 0)
            continue;
        const auto bucket = m_byBigram.constFind(bigram);
        for (int index : *bucket) {
            const Keyword& keyword = m_keywords[static_cast<size_t>(index)];
            const auto length = static_cast<size_t>(keyword.bytes.size());
            if (i + length <= size && std::memcmp(data + i, keyword.bytes.constData(), length) == 0) {
                for (size_t rule : keyword.rules)
                    active[rule] = 1;
            }
        }
    }
}

int Redactor::redact(std::string& text, std::string_view field,
                     google::protobuf::RepeatedPtrField<v1::Redaction>* redactions) const
{
    if (text.empty())
        return 0;
    // Keywords are found in an ASCII-lowercased copy in one pass; only the rules whose
    // keywords occur run their pattern, far cheaper than every pattern over 64 KiB.
    thread_local std::string lowered;
    lowered.resize(text.size());
    std::transform(text.begin(), text.end(), lowered.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; });

    thread_local std::vector<char> active;
    findActiveRules(lowered, active);

    QString view; // the Latin-1 view, built only when some rule has to run
    std::vector<Span> spans;
    const auto& rules = m_rules.rules();
    for (size_t index = 0; index < rules.size(); ++index) {
        if (!active[index])
            continue;
        const RedactionRule& rule = rules[index];
        if (view.isNull())
            view = QString::fromLatin1(text.data(), static_cast<qsizetype>(text.size()));
        const int captureCount = rule.pattern.captureCount();
        QRegularExpressionMatchIterator matches = rule.pattern.globalMatch(QStringView(view));
        while (matches.hasNext()) {
            const auto span = secretSpan(matches.next(), captureCount);
            if (!span)
                continue;
            auto [start, end] = *span;
            if (rule.widenToUtf8) {
                while (start > 0 && isUtf8Continuation(text[static_cast<size_t>(start)]))
                    --start;
                while (end < static_cast<qsizetype>(text.size()) && isUtf8Continuation(text[static_cast<size_t>(end)]))
                    ++end;
            }
            if (rule.minEntropy > 0 &&
                shannonEntropy(std::string_view(text).substr(static_cast<size_t>(start),
                                                             static_cast<size_t>(end - start))) < rule.minEntropy)
                continue;
            // A marker from an earlier pass is not a secret.
            if (std::string_view(text).substr(static_cast<size_t>(start)).starts_with(kMarkerStart))
                continue;
            spans.push_back({start, end, index});
        }
    }
    if (spans.empty())
        return 0;

    // Overlapping finds become one replacement, named by the rule that starts first
    // (on a tie: the longer span, then the earlier, more specific rule).
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        if (a.start != b.start)
            return a.start < b.start;
        if (a.end != b.end)
            return a.end > b.end;
        return a.rule < b.rule;
    });
    std::vector<Span> merged;
    for (const Span& span : spans) {
        if (!merged.empty() && span.start < merged.back().end)
            merged.back().end = std::max(merged.back().end, span.end);
        else
            merged.push_back(span);
    }

    std::string out;
    out.reserve(text.size() + merged.size() * 32);
    size_t position = 0;
    for (const Span& span : merged) {
        out.append(text, position, static_cast<size_t>(span.start) - position);
        const size_t offset = out.size();
        const QByteArray name = rules[span.rule].name.toUtf8();
        out.append(kMarkerStart);
        out.append(name.constData(), static_cast<size_t>(name.size()));
        out.push_back(']');
        if (redactions) {
            v1::Redaction* redaction = redactions->Add();
            redaction->set_rule(name.constData(), static_cast<size_t>(name.size()));
            redaction->set_field(field.data(), field.size());
            redaction->set_offset(static_cast<quint32>(offset));
            redaction->set_length(static_cast<quint32>(out.size() - offset));
        }
        position = static_cast<size_t>(span.end);
    }
    out.append(text, position);
    text.swap(out);
    return static_cast<int>(merged.size());
}

void Redactor::apply(v1::Event& event) const
{
    // The body's own message says which of its fields are free text (event.proto's
    // text_role): every kind of event is covered without a list here.
    std::string scratch;
    google::protobuf::RepeatedPtrField<v1::Redaction> found;
    for (const store::eventfields::TextField& field : store::eventfields::textFieldsOf(event.body_case())) {
        if (!field.scanned)
            continue;
        std::string value = store::eventfields::text(event, field, &scratch);
        found.Clear();
        if (redact(value, field.name, &found) == 0)
            continue;
        store::eventfields::setText(event, field, std::move(value));
        for (v1::Redaction& redaction : found) {
            if (v1::Redaction* record = store::eventfields::addRedaction(event))
                record->Swap(&redaction);
        }
    }
}

} // namespace trailmark::capture
