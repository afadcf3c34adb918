#pragma once

#include "capture/SourceChoices.h"

#include <QCommandLineOption>

#include <optional>
#include <vector>

class QCommandLineParser;

namespace trailmark::capture {
struct SourceOption;
} // namespace trailmark::capture

namespace trailmark::cli {

// `record`'s flags for what it captures, built from the capture-source registry: one
// per option a source offers on the command line, with its help text.
class SourceFlags
{
public:
    SourceFlags();

    // "window switches and titles, shell commands, ..., and with --gui-actions what is
    // clicked and typed inside apps": every source, the opt-in ones with their flag.
    static QString whatIsRecorded();

    void addTo(QCommandLineParser& parser) const;
    // The settings that bind every recording, with the flags given on top; nullopt and
    // the usage error (a number out of range, a folder that is not there) otherwise.
    std::optional<capture::SourceChoices> choices(const QCommandLineParser& parser, QString* error) const;

private:
    struct Flag
    {
        const capture::SourceOption* option;
        QCommandLineOption parserOption;
    };
    std::vector<Flag> m_flags;
};

} // namespace trailmark::cli
