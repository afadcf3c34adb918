#pragma once

#include <QString>

#include <span>

namespace trailmark::capture {

struct SourceDeclaration;
struct SourceOption;

// Every capture source, in the order a recording starts them. Registered in
// SourceRegistry.cpp, one line per source: `record`'s flags, the Settings dialog, the
// Record tab and StandardCapture are built by walking this list.
namespace sources {

std::span<const SourceDeclaration* const> all();
const SourceDeclaration* named(const QString& name);
// The option with this id, from whichever source declares it; nullptr if none does.
const SourceOption* option(const QString& id);

} // namespace sources
} // namespace trailmark::capture
