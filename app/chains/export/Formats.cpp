#include "chains/export/FormatWriters.h"

namespace trailmark::chains {
namespace {

struct Format
{
    const char* name;
    std::unique_ptr<FormatWriter> (*make)();
};

// Canonical order: files are written and listed in this order.
constexpr Format kFormats[] = {
    {"agent-chain", makeAgentChainWriter},
    {"openai", makeOpenAiWriter},
    {"openai-reasoning", makeOpenAiReasoningWriter},
    {"sharegpt", makeShareGptWriter},
    {"atif", makeAtifWriter},
    {"reasoning", makeReasoningWriter},
    {"react", makeReactWriter},
    {"protobuf", makeProtobufWriter},
    {"hf", makeDatasetCardWriter},
};

} // namespace

QStringList knownFormats()
{
    QStringList names;
    for (const auto& format : kFormats)
        names.append(QString::fromLatin1(format.name));
    return names;
}

std::unique_ptr<FormatWriter> makeFormatWriter(const QString& name)
{
    for (const auto& format : kFormats) {
        if (name == QLatin1String(format.name))
            return format.make();
    }
    return nullptr;
}

} // namespace trailmark::chains
