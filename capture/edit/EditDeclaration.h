#pragma once

namespace trailmark::capture {

struct SourceDeclaration;

// File edits in the work trees of recorded commands and the folders the user names.
const SourceDeclaration& editDeclaration();

} // namespace trailmark::capture
