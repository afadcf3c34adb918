#include "store/Vocabulary.h"

#include <array>
#include <utility>

namespace trailmark::store::vocabulary {
namespace {

// One table per vocabulary: the value, then its text form.
constexpr std::array<std::pair<v1::Note::Kind, const char*>, 4> kNoteKinds{{
    {v1::Note::KIND_GOAL, "goal"},
    {v1::Note::KIND_PLAN, "plan"},
    {v1::Note::KIND_THINK_ALOUD, "think-aloud"},
    {v1::Note::KIND_REFLECTION, "reflection"},
}};

constexpr std::array<std::pair<v1::Annotation::Verdict, const char*>, 3> kVerdicts{{
    {v1::Annotation::VERDICT_ACCEPTED, "accepted"},
    {v1::Annotation::VERDICT_REJECTED, "rejected"},
    {v1::Annotation::VERDICT_NEEDS_WORK, "needs-work"},
}};

template <typename Table, typename Value> QString nameIn(const Table& table, Value value)
{
    for (const auto& [known, name] : table) {
        if (known == value)
            return QString::fromLatin1(name);
    }
    return {};
}

template <typename Table>
auto parseIn(const Table& table, const QString& name) -> std::optional<typename Table::value_type::first_type>
{
    for (const auto& [value, known] : table) {
        if (name == QLatin1String(known))
            return value;
    }
    return std::nullopt;
}

} // namespace

QString noteKindName(v1::Note::Kind kind)
{
    return nameIn(kNoteKinds, kind);
}

std::optional<v1::Note::Kind> parseNoteKind(const QString& name)
{
    if (name.isEmpty())
        return v1::Note::KIND_UNSPECIFIED;
    if (name == QLatin1String("think"))
        return v1::Note::KIND_THINK_ALOUD;
    return parseIn(kNoteKinds, name);
}

QString noteKindChoices()
{
    return QStringLiteral("goal, plan, think, reflection");
}

QString verdictName(v1::Annotation::Verdict verdict)
{
    return nameIn(kVerdicts, verdict);
}

std::optional<v1::Annotation::Verdict> parseVerdict(const QString& name)
{
    return parseIn(kVerdicts, name);
}

QString verdictChoices()
{
    QStringList names;
    for (const auto& entry : kVerdicts)
        names.append(QString::fromLatin1(entry.second));
    return names.join(QStringLiteral(", "));
}

v1::Annotation::Verdict latestVerdict(const QList<v1::Annotation>& annotations)
{
    for (auto it = annotations.crbegin(); it != annotations.crend(); ++it) {
        if (it->verdict() != v1::Annotation::VERDICT_UNSPECIFIED)
            return it->verdict();
    }
    return v1::Annotation::VERDICT_UNSPECIFIED;
}

} // namespace trailmark::store::vocabulary
