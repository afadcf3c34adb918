#pragma once

namespace trailmark::capture {

struct SourceDeclaration;

// Notes: `trailmark note`, `tm note` in a hooked shell and the app's note box reach the
// recorder itself (its control socket); the source adds nothing to a recording and
// declares the app's global shortcut that opens the note box.
const SourceDeclaration& noteDeclaration();

} // namespace trailmark::capture
