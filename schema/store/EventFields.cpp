#include "store/EventFields.h"

#include "trailmark/v1/options.pb.h"

#include <algorithm>
#include <unordered_map>

namespace trailmark::store::eventfields {
namespace {

using google::protobuf::FieldDescriptor;

struct BodyFields
{
    std::vector<TextField> text;
    const FieldDescriptor* redactions = nullptr;
};

// Built once from the descriptors: the oneof `body` of Event lists every kind.
const std::unordered_map<int, BodyFields>& bodyFields()
{
    static const std::unordered_map<int, BodyFields> table = [] {
        std::unordered_map<int, BodyFields> fields;
        const google::protobuf::OneofDescriptor* body = v1::Event::descriptor()->FindOneofByName("body");
        for (int i = 0; i < body->field_count(); ++i) {
            const FieldDescriptor* kind = body->field(i);
            BodyFields& entry = fields[kind->number()];
            const google::protobuf::Descriptor* message = kind->message_type();
            for (int f = 0; f < message->field_count(); ++f) {
                const FieldDescriptor* field = message->field(f);
                const v1::TextRole role = field->options().GetExtension(v1::text_role);
                if (role != v1::TEXT_ROLE_UNSPECIFIED && field->cpp_type() == FieldDescriptor::CPPTYPE_STRING &&
                    !field->is_repeated())
                    entry.text.push_back({field, field->name(), role == v1::TEXT_ROLE_SCANNED});
                else if (field->name() == "redactions" && field->is_repeated() &&
                         field->message_type() == v1::Redaction::descriptor())
                    entry.redactions = field;
            }
            std::sort(entry.text.begin(), entry.text.end(), [](const TextField& a, const TextField& b) {
                return a.descriptor->number() < b.descriptor->number();
            });
        }
        return fields;
    }();
    return table;
}

const FieldDescriptor* bodyField(const v1::Event& event)
{
    if (event.body_case() == v1::Event::BODY_NOT_SET)
        return nullptr;
    return v1::Event::descriptor()->FindFieldByNumber(event.body_case());
}

} // namespace

const google::protobuf::Message* bodyOf(const v1::Event& event)
{
    const FieldDescriptor* field = bodyField(event);
    return field ? &event.GetReflection()->GetMessage(event, field) : nullptr;
}

google::protobuf::Message* mutableBodyOf(v1::Event& event)
{
    const FieldDescriptor* field = bodyField(event);
    return field ? event.GetReflection()->MutableMessage(&event, field) : nullptr;
}

const std::vector<TextField>& textFieldsOf(v1::Event::BodyCase body)
{
    static const std::vector<TextField> none;
    const auto& table = bodyFields();
    const auto found = table.find(body);
    return found == table.end() ? none : found->second.text;
}

const TextField* findTextField(const v1::Event& event, std::string_view name)
{
    for (const TextField& field : textFieldsOf(event.body_case())) {
        if (field.name == name)
            return &field;
    }
    return nullptr;
}

const std::string& text(const v1::Event& event, const TextField& field, std::string* scratch)
{
    const google::protobuf::Message* body = bodyOf(event);
    return body->GetReflection()->GetStringReference(*body, field.descriptor, scratch);
}

void setText(v1::Event& event, const TextField& field, std::string value)
{
    google::protobuf::Message* body = mutableBodyOf(event);
    body->GetReflection()->SetString(body, field.descriptor, std::move(value));
}

v1::Redaction* addRedaction(v1::Event& event)
{
    const auto& table = bodyFields();
    const auto found = table.find(event.body_case());
    if (found == table.end() || found->second.redactions == nullptr)
        return nullptr;
    google::protobuf::Message* body = mutableBodyOf(event);
    // The generated pool builds every body, so the element is a v1::Redaction.
    return static_cast<v1::Redaction*>(body->GetReflection()->AddMessage(body, found->second.redactions));
}

bool applyReviewerSpan(v1::Event& event, const v1::RedactionSpan& span, QString* error)
{
    const TextField* field = findTextField(event, span.field());
    if (!field) {
        *error = QStringLiteral("event %1 has no text field '%2' to redact")
                     .arg(QString::fromStdString(event.id()), QString::fromStdString(span.field()));
        return false;
    }
    std::string scratch;
    std::string value = text(event, *field, &scratch);
    if (span.length() == 0 || span.offset() >= value.size()) {
        *error = QStringLiteral("span %1+%2 lies outside field '%3' (%4 bytes)")
                     .arg(span.offset())
                     .arg(span.length())
                     .arg(QString::fromStdString(span.field()))
                     .arg(value.size());
        return false;
    }
    const std::string marker = "[REDACTED:" + (span.reason().empty() ? std::string("reviewer") : span.reason()) + "]";
    value.replace(span.offset(), std::min<size_t>(span.length(), value.size() - span.offset()), marker);
    setText(event, *field, std::move(value));
    if (v1::Redaction* record = addRedaction(event)) {
        record->set_rule("reviewer");
        record->set_field(span.field());
        record->set_offset(span.offset());
        record->set_length(static_cast<uint32_t>(marker.size()));
    }
    return true;
}

} // namespace trailmark::store::eventfields
