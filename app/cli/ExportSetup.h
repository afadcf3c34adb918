#pragma once

class QCommandLineParser;

namespace trailmark::store {
class Store;
} // namespace trailmark::store

namespace trailmark::chains {
struct ExportOptions;
} // namespace trailmark::chains

namespace trailmark::cli {

struct CommandContext;

// What `export` and `team export` share: the same options, read the same way, and the
// same run with progress and a summary on stderr.
void addExportOptions(QCommandLineParser& parser);
// Fills *options from the parsed arguments (without sessions: each command resolves
// its own) and checks --out. 0, or the exit code after printing why.
int readExportOptions(const CommandContext& context, const QCommandLineParser& parser, chains::ExportOptions* options);
int exportFrom(const CommandContext& context, store::Store& store, chains::ExportOptions options);

} // namespace trailmark::cli
