#pragma once

#include "chains/Step.h"
#include "chains/families/Utf8Text.h"

#include <string>
#include <string_view>
#include <vector>

namespace trailmark::chains {

// A shell command and what it produced. Text that came from the shell is kept as the
// exact bytes (std::string, as protobuf holds them) because a command may not be valid
// UTF-8; the lossless exporter needs them as they were.
struct ShellStep final : StepDetailOf<ShellStep>
{
    std::string command; // exactly as typed (after redaction)
    std::string cwd;
    std::string commandId;
    std::string shell;
    std::string shellSessionId;
    std::string host;
    bool hasExit = false;   // a CommandFinished was recorded
    bool exitKnown = false; // ... and it says how the command exited
    int exitCode = 0;
    int signal = 0;
    // Exit status of each command of the last pipeline, where the shell reported it.
    std::vector<int> pipeStatus;
    bool outputCaptured = false;
    bool outputTruncated = false;
    quint64 outputBytes = 0;
    std::string outputHead;
    std::string outputTail;

    // The observation in the pieces it is made of: output head, the note on omitted
    // output, output tail, and the exit status line. Joined they are the observation;
    // exporters write them without joining.
    struct ObservationParts
    {
        std::string_view head;
        std::string middle;
        std::string_view tail;
        std::string status;
    };
    ObservationParts observationParts() const;
};

// The detail of a step of the shell family.
inline const ShellStep& shellOf(const Step& step)
{
    return *step.as<ShellStep>();
}

} // namespace trailmark::chains
