#include "store/EventBlobs.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace trailmark::store::eventblobs {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// Where the blob keys of one message type are: its marked fields, and the message
// fields whose type holds some at any depth (every other field is never looked at).
struct TypePlan
{
    struct Field
    {
        const FieldDescriptor* descriptor = nullptr;
        v1::BlobRole role = v1::BLOB_ROLE_UNSPECIFIED; // a marked field
        const TypePlan* nested = nullptr;              // a message field that holds blobs
    };
    std::vector<Field> fields; // in field-number order
};

v1::BlobRole roleOf(const FieldDescriptor* field)
{
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_STRING)
        return v1::BLOB_ROLE_UNSPECIFIED; // only bytes (or string) fields can hold a key
    return field->options().GetExtension(v1::blob_role);
}

// The plans of every type seen so far, each built once. A type's plan is built with
// those of all the types it reaches, so a plan's nested pointers never change; types
// may refer to themselves, so whether one holds blobs is found by a fixpoint.
class TypePlans
{
public:
    const TypePlan& of(const Descriptor* type)
    {
        std::lock_guard lock(m_mutex);
        if (const auto found = m_plans.find(type); found != m_plans.end())
            return *found->second;
        build(type);
        return *m_plans.at(type);
    }

private:
    void build(const Descriptor* root)
    {
        // The types reachable from root that have no plan yet.
        std::vector<const Descriptor*> types{root};
        std::unordered_set<const Descriptor*> seen{root};
        for (size_t i = 0; i < types.size(); ++i) {
            for (int f = 0; f < types[i]->field_count(); ++f) {
                const Descriptor* sub = types[i]->field(f)->message_type();
                if (sub && !m_plans.count(sub) && seen.insert(sub).second)
                    types.push_back(sub);
            }
        }
        std::unordered_map<const Descriptor*, bool> holds;
        for (const Descriptor* type : types) {
            bool marked = false;
            for (int f = 0; f < type->field_count() && !marked; ++f)
                marked = roleOf(type->field(f)) != v1::BLOB_ROLE_UNSPECIFIED;
            holds[type] = marked;
        }
        const auto subHolds = [&](const FieldDescriptor* field) {
            const Descriptor* sub = field->message_type();
            if (!sub)
                return false;
            if (const auto found = holds.find(sub); found != holds.end())
                return found->second;
            return !m_plans.at(sub)->fields.empty(); // planned before
        };
        for (bool changed = true; changed;) {
            changed = false;
            for (const Descriptor* type : types) {
                for (int f = 0; f < type->field_count() && !holds[type]; ++f) {
                    if (subHolds(type->field(f)))
                        holds[type] = changed = true;
                }
            }
        }
        for (const Descriptor* type : types)
            m_plans.emplace(type, std::make_unique<TypePlan>());
        for (const Descriptor* type : types) {
            TypePlan& plan = *m_plans.at(type);
            for (int f = 0; f < type->field_count(); ++f) {
                const FieldDescriptor* field = type->field(f);
                if (const v1::BlobRole role = roleOf(field); role != v1::BLOB_ROLE_UNSPECIFIED)
                    plan.fields.push_back({field, role, nullptr});
                else if (subHolds(field))
                    plan.fields.push_back({field, v1::BLOB_ROLE_UNSPECIFIED, m_plans.at(field->message_type()).get()});
            }
            std::sort(plan.fields.begin(), plan.fields.end(), [](const TypePlan::Field& a, const TypePlan::Field& b) {
                return a.descriptor->number() < b.descriptor->number();
            });
        }
    }

    std::mutex m_mutex;
    std::unordered_map<const Descriptor*, std::unique_ptr<TypePlan>> m_plans;
};

TypePlans& typePlans()
{
    static TypePlans plans;
    return plans;
}

void visitPlanned(const google::protobuf::Message& message, const TypePlan& plan, const Visitor& visit)
{
    const google::protobuf::Reflection* reflection = message.GetReflection();
    std::string scratch;
    for (const TypePlan::Field& field : plan.fields) {
        const FieldDescriptor* descriptor = field.descriptor;
        if (field.nested) {
            if (descriptor->is_repeated()) {
                const int count = reflection->FieldSize(message, descriptor);
                for (int i = 0; i < count; ++i)
                    visitPlanned(reflection->GetRepeatedMessage(message, descriptor, i), *field.nested, visit);
            } else if (reflection->HasField(message, descriptor)) {
                visitPlanned(reflection->GetMessage(message, descriptor), *field.nested, visit);
            }
            continue;
        }
        const auto visitKey = [&](const std::string& key) {
            if (!key.empty())
                visit({key, descriptor, field.role});
        };
        if (descriptor->is_repeated()) {
            const int count = reflection->FieldSize(message, descriptor);
            for (int i = 0; i < count; ++i)
                visitKey(reflection->GetRepeatedStringReference(message, descriptor, i, &scratch));
        } else {
            visitKey(reflection->GetStringReference(message, descriptor, &scratch));
        }
    }
}

} // namespace

bool canHoldBlobs(const Descriptor* type)
{
    return !typePlans().of(type).fields.empty();
}

bool kindCanHoldBlobs(int kind)
{
    // By body field number, from Event's plan: true for the bodies it descends into.
    // A field of Event outside the body (none today) would put blobs in every kind.
    struct Kinds
    {
        std::vector<bool> byKind;
        bool everyKind = false;
    };
    static const Kinds kinds = [] {
        Kinds result;
        const google::protobuf::OneofDescriptor* body = v1::Event::descriptor()->FindOneofByName("body");
        for (const TypePlan::Field& field : typePlans().of(v1::Event::descriptor()).fields) {
            if (field.descriptor->containing_oneof() != body) {
                result.everyKind = true;
                continue;
            }
            const auto number = static_cast<size_t>(field.descriptor->number());
            result.byKind.resize(std::max(result.byKind.size(), number + 1), false);
            result.byKind[number] = true;
        }
        return result;
    }();
    if (kinds.everyKind)
        return true;
    return kind > 0 && static_cast<size_t>(kind) < kinds.byKind.size() && kinds.byKind[static_cast<size_t>(kind)];
}

void forEachBlob(const google::protobuf::Message& message, const Visitor& visit)
{
    visitPlanned(message, typePlans().of(message.GetDescriptor()), visit);
}

bool RowBlobReader::read(int kind, std::string_view payload, const Visitor& visit)
{
    if (!kindCanHoldBlobs(kind))
        return true;
    if (!m_event.ParseFromArray(payload.data(), static_cast<int>(payload.size())))
        return false;
    forEachBlob(m_event, visit);
    return true;
}

} // namespace trailmark::store::eventblobs
