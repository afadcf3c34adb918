#pragma once

namespace trailmark::capture {

struct SourceDeclaration;

// Shell commands, read from the spool the shell hooks (`trailmark init`) write.
const SourceDeclaration& shellDeclaration();

} // namespace trailmark::capture
