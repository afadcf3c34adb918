#pragma once

namespace trailmark::chains {

class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// A family is one kind of thing an expert does or records (a shell command, a file edit,
// a GUI action, a window switch, a note, a marker, a screenshot): the events it owns, how
// they become steps, how they read, and what such a step is in an export. Everything
// particular to one kind lives with its family (families/<name>/), in one file per facet;
// the rest of the program asks the registry (FamilyRegistry.h) and names none.
//
// The facets are split by who uses them, so that each user includes only its own:
// - deriving (DerivingFacet.h): the trajectory builder, the step materializer, counts;
// - presenting (PresentingFacet.h): the live feed, `show`, the Review tab;
// - exporting (ExportingFacet.h): the export writers.
//
// Which fields of its events are text that redaction covers is said by its message in
// event.proto (`[(text_role) = ...]`), so the store and the capture redactor, which sit
// below the families, read the same answer (store/EventFields.h).
struct Family
{
    const DerivingFacet* deriving = nullptr;
    const PresentingFacet* presenting = nullptr;
    const ExportingFacet* exporting = nullptr;
};

} // namespace trailmark::chains
