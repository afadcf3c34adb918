#include "chains/export/JsonWriter.h"
#include "chains/families/ExportingFacet.h"
#include "chains/families/shell/ShellFamily.h"
#include "chains/families/shell/ShellStep.h"

namespace trailmark::chains {
namespace {

class ShellExporting final : public ExportingFacet
{
public:
    QString actionText(const Step& step) const override { return utf8Text(shellOf(step).command); }
    void writeAction(JsonWriter& json, const Step& step) const override { json.value(shellOf(step).command); }
    QString observationText(const Step& step) const override { return utf8Text(observationUtf8(step)); }
    std::string observationUtf8(const Step& step) const override
    {
        const ShellStep::ObservationParts parts = shellOf(step).observationParts();
        std::string text;
        text.reserve(parts.head.size() + parts.middle.size() + parts.tail.size() + parts.status.size());
        text.append(parts.head).append(parts.middle).append(parts.tail).append(parts.status);
        return text;
    }
    void writeObservation(JsonWriter& json, const Step& step) const override
    {
        const ShellStep::ObservationParts parts = shellOf(step).observationParts();
        json.concatenated({parts.head, parts.middle, parts.tail, parts.status});
    }

    std::string_view toolName() const override { return "shell"; }
    std::string_view toolPurpose() const override { return "running commands in a shell"; }
    std::string toolArguments(const Step& step) const override
    {
        std::string out;
        JsonWriter json(out);
        json.beginObject().field("command", shellOf(step).command).field("cwd", shellOf(step).cwd).endObject();
        return out;
    }
    void writeToolSchema(JsonWriter& json) const override
    {
        writeFunctionSchema(json, "shell",
                            "Run a command line in an interactive shell; returns its output and exit status.",
                            {{"command", "The command line, as typed.", true}, {"cwd", "Working directory."}});
    }
    std::string_view countLabel() const override { return "shell commands"; }

    void writeColumns(JsonWriter& json, const Step* step) const override
    {
        static const ShellStep none;
        const bool own = step != nullptr;
        const ShellStep& shell = own ? shellOf(*step) : none;
        json.bytesWithBase64("command", shell.command, own);
        json.bytesWithBase64("cwd", shell.cwd, own);
        json.bytesOrNull("shell", shell.shell, own);
        json.bytesOrNull("shell_session_id", shell.shellSessionId, own);
        json.bytesOrNull("host", shell.host, own);
        json.numberOrNull("exit_code", shell.exitCode, own && shell.exitKnown);
        json.numberOrNull("signal", shell.signal, own && shell.hasExit);
        json.bytesWithBase64("output_head", shell.outputHead, own && shell.outputCaptured);
        json.bytesWithBase64("output_tail", shell.outputTail, own && shell.outputCaptured);
        if (own)
            json.field("output_captured", shell.outputCaptured)
                .field("output_truncated", shell.outputTruncated)
                .field("output_bytes", static_cast<qint64>(shell.outputBytes));
        else
            json.nullField("output_captured").nullField("output_truncated").nullField("output_bytes");
    }
};

} // namespace

const ExportingFacet& shellExporting()
{
    static const ShellExporting facet;
    return facet;
}

} // namespace trailmark::chains
