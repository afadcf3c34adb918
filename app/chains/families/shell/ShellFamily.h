#pragma once

namespace trailmark::chains {

class EventFamily;

// Shell commands: CommandStarted opens a step, the CommandFinished with the same
// command_id closes it with its exit status and output (ShellStep). Tool `shell`.
const EventFamily& shellFamily();

} // namespace trailmark::chains
