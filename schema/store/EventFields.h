#pragma once

#include "trailmark/v1/event.pb.h"

#include <string>

namespace trailmark::eventfields {

// The text field of an event body that a redaction span names ("command", "cwd",
// "output_head", "output_tail", "text", "title"); nullptr when the body has no such
// field. One place for the names, so the store (which rewrites) and the chains (which
// apply spans on read) cannot disagree.
std::string* textField(v1::Event& event, const std::string& name);

// The redaction records of the event's body; nullptr for bodies without text.
google::protobuf::RepeatedPtrField<v1::Redaction>* redactionsOf(v1::Event& event);

} // namespace trailmark::eventfields
