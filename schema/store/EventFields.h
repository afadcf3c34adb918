#pragma once

#include "trailmark/v1/annotation.pb.h"
#include "trailmark/v1/event.pb.h"

#include <QString>

#include <string>
#include <string_view>
#include <vector>

// What an event body holds as text, read from the message itself: a body's string and
// bytes fields marked `[(text_role) = ...]` in event.proto, and its `redactions` list.
// The store (which rewrites reviewer redactions), the redactor at capture and the chains
// all ask here, so no layer keeps a list per kind of event and none can disagree.
namespace trailmark::store::eventfields {

struct TextField
{
    const google::protobuf::FieldDescriptor* descriptor = nullptr;
    std::string_view name; // "command", "output_head", "title", ...
    bool scanned = false;  // secret rules run over it before it is stored
};

// The body message set in the event; nullptr when none is.
const google::protobuf::Message* bodyOf(const v1::Event& event);
google::protobuf::Message* mutableBodyOf(v1::Event& event);

// The text fields of a kind of body, in field-number order; empty for bodies without
// text (screenshots, markers).
const std::vector<TextField>& textFieldsOf(v1::Event::BodyCase body);
// The text field of that name in the event's body; nullptr when it has none.
const TextField* findTextField(const v1::Event& event, std::string_view name);

// The field's bytes; it must belong to the event's body.
const std::string& text(const v1::Event& event, const TextField& field, std::string* scratch);
void setText(v1::Event& event, const TextField& field, std::string value);

// A new, empty redaction record in the event's body; nullptr for bodies without text.
v1::Redaction* addRedaction(v1::Event& event);

// A reviewer's redaction of one span, the one way it is applied: when the store rewrites
// the stored event and when a reader applies a span written by an older Trailmark. The
// span becomes "[REDACTED:<reason>]" ("reviewer" when no reason was given) and a
// Redaction record {rule "reviewer", field, offset, length of the marker} is added.
// A span that runs past the end of the field is cut at the end (the reviewer meant
// "to the end"); an unknown field, an empty span or one that starts past the end is
// refused with *error, and the event is left as it was.
bool applyReviewerSpan(v1::Event& event, const v1::RedactionSpan& span, QString* error);

} // namespace trailmark::store::eventfields
