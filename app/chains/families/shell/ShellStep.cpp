#include "chains/families/shell/ShellStep.h"

namespace trailmark::chains {

ShellStep::ObservationParts ShellStep::observationParts() const
{
    ObservationParts parts;
    if (outputCaptured) {
        parts.head = outputHead;
        if (outputTruncated) {
            const quint64 shown = outputHead.size() + outputTail.size();
            if (!outputHead.empty() && outputHead.back() != '\n')
                parts.middle = "\n";
            parts.middle += "[... " + std::to_string(outputBytes > shown ? outputBytes - shown : 0) +
                            " bytes of output omitted ...]\n";
            parts.tail = outputTail;
        }
    } else if (hasExit) {
        parts.middle = "[output not captured]";
    }
    const std::string_view last = !parts.tail.empty()     ? parts.tail
                                  : !parts.middle.empty() ? std::string_view(parts.middle)
                                                          : parts.head;
    if (!last.empty() && last.back() != '\n')
        parts.status = "\n";
    if (!hasExit)
        parts.status += "[no exit status recorded: interrupted, or the recording stopped]";
    else if (!exitKnown)
        parts.status += "[exit status not recorded by the source]";
    else if (signal != 0)
        parts.status += "[killed by signal " + std::to_string(signal) + ", exit code " + std::to_string(exitCode) + "]";
    else
        parts.status += "[exit code " + std::to_string(exitCode) + "]";
    return parts;
}

} // namespace trailmark::chains
