#include "store/MessageJson.h"

#include <QJsonArray>
#include <QString>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

namespace trailmark::store {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

QJsonValue scalar(const Message& message, const FieldDescriptor* field, int index)
{
    const Reflection* reflection = message.GetReflection();
    const bool repeated = field->is_repeated();
    switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
        return repeated ? reflection->GetRepeatedInt32(message, field, index) : reflection->GetInt32(message, field);
    case FieldDescriptor::CPPTYPE_INT64:
        return static_cast<qint64>(repeated ? reflection->GetRepeatedInt64(message, field, index)
                                            : reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
        return static_cast<qint64>(repeated ? reflection->GetRepeatedUInt32(message, field, index)
                                            : reflection->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
        return static_cast<qint64>(repeated ? reflection->GetRepeatedUInt64(message, field, index)
                                            : reflection->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
        return repeated ? reflection->GetRepeatedDouble(message, field, index) : reflection->GetDouble(message, field);
    case FieldDescriptor::CPPTYPE_FLOAT:
        return repeated ? reflection->GetRepeatedFloat(message, field, index) : reflection->GetFloat(message, field);
    case FieldDescriptor::CPPTYPE_BOOL:
        return repeated ? reflection->GetRepeatedBool(message, field, index) : reflection->GetBool(message, field);
    case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* value =
            repeated ? reflection->GetRepeatedEnum(message, field, index) : reflection->GetEnum(message, field);
        return QString::fromStdString(value->name());
    }
    case FieldDescriptor::CPPTYPE_STRING: {
        std::string scratch;
        const std::string& text = repeated ? reflection->GetRepeatedStringReference(message, field, index, &scratch)
                                           : reflection->GetStringReference(message, field, &scratch);
        return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
        return messageToJson(repeated ? reflection->GetRepeatedMessage(message, field, index)
                                      : reflection->GetMessage(message, field));
    }
    return {};
}

} // namespace

QJsonObject messageToJson(const Message& message)
{
    QJsonObject object;
    const auto* descriptor = message.GetDescriptor();
    const Reflection* reflection = message.GetReflection();
    for (int i = 0; i < descriptor->field_count(); ++i) {
        const FieldDescriptor* field = descriptor->field(i);
        const QString name = QString::fromStdString(field->name());
        // Members of a oneof other than the one that is set would read as empty
        // objects and look like data; leave them out.
        if (field->real_containing_oneof() && !reflection->HasField(message, field))
            continue;
        if (field->is_repeated()) {
            QJsonArray array;
            for (int index = 0; index < reflection->FieldSize(message, field); ++index)
                array.append(scalar(message, field, index));
            object.insert(name, array);
        } else {
            object.insert(name, scalar(message, field, 0));
        }
    }
    return object;
}

} // namespace trailmark::store
