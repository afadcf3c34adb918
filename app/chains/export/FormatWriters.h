#pragma once

#include "chains/export/FormatWriter.h"

namespace trailmark::chains {

// One factory per format; knownFormats() and makeFormatWriter() map names to them.
std::unique_ptr<FormatWriter> makeAgentChainWriter();
std::unique_ptr<FormatWriter> makeOpenAiWriter();
std::unique_ptr<FormatWriter> makeOpenAiReasoningWriter();
std::unique_ptr<FormatWriter> makeShareGptWriter();
std::unique_ptr<FormatWriter> makeAtifWriter();
std::unique_ptr<FormatWriter> makeReasoningWriter();
std::unique_ptr<FormatWriter> makeReactWriter();
std::unique_ptr<FormatWriter> makeProtobufWriter();
std::unique_ptr<FormatWriter> makeDatasetCardWriter();
// LLaMA-Factory's dataset_info.json, written beside the chat formats when wantsDatasetInfo().
std::unique_ptr<FormatWriter> makeDatasetInfoWriter();
bool wantsDatasetInfo(const QStringList& formats);

} // namespace trailmark::chains
