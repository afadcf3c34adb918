#pragma once

namespace trailmark::chains {

struct Family;
class DerivingFacet;
class PresentingFacet;
class ExportingFacet;

// Shell commands: CommandStarted opens a step, the CommandFinished with the same
// command_id closes it with its exit status and output (ShellStep). Tool `shell`.
const Family& shellFamily();

// Its facets, one file each.
const DerivingFacet& shellDeriving();
const PresentingFacet& shellPresenting();
const ExportingFacet& shellExporting();

} // namespace trailmark::chains
