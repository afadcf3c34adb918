#include "EventFields.h"

namespace trailmark::eventfields {

std::string* textField(v1::Event& event, const std::string& name)
{
    switch (event.body_case()) {
    case v1::Event::kCommandStarted:
        if (name == "command")
            return event.mutable_command_started()->mutable_command();
        if (name == "cwd")
            return event.mutable_command_started()->mutable_cwd();
        return nullptr;
    case v1::Event::kCommandFinished:
        if (name == "output_head")
            return event.mutable_command_finished()->mutable_output_head();
        if (name == "output_tail")
            return event.mutable_command_finished()->mutable_output_tail();
        return nullptr;
    case v1::Event::kNote:
        return name == "text" ? event.mutable_note()->mutable_text() : nullptr;
    case v1::Event::kAppSwitch:
        return name == "title" ? event.mutable_app_switch()->mutable_title() : nullptr;
    case v1::Event::kTitleChange:
        return name == "title" ? event.mutable_title_change()->mutable_title() : nullptr;
    default:
        return nullptr;
    }
}

google::protobuf::RepeatedPtrField<v1::Redaction>* redactionsOf(v1::Event& event)
{
    switch (event.body_case()) {
    case v1::Event::kCommandStarted:
        return event.mutable_command_started()->mutable_redactions();
    case v1::Event::kCommandFinished:
        return event.mutable_command_finished()->mutable_redactions();
    case v1::Event::kNote:
        return event.mutable_note()->mutable_redactions();
    case v1::Event::kAppSwitch:
        return event.mutable_app_switch()->mutable_redactions();
    case v1::Event::kTitleChange:
        return event.mutable_title_change()->mutable_redactions();
    default:
        return nullptr;
    }
}

} // namespace trailmark::eventfields
