#pragma once

#include "store/Store.h"

#include <QStringList>
#include <QTextStream>

#include <memory>
#include <optional>

class QJsonDocument;

class QCommandLineParser;

namespace trailmark::cli {

// What a subcommand gets: its own arguments (name first, as QCommandLineParser wants),
// the database path, and the output streams. Commands print results on out and
// problems on err, and return the exit code.
struct CommandContext;

// What a command that lists every session starts from (sessions, stats).
struct SessionListing
{
    std::unique_ptr<store::Store> store;
    QList<store::SessionSummary> summaries;
    bool json = false;
};

struct CommandContext
{
    QStringList arguments;
    QString databasePath;
    QTextStream& out;
    QTextStream& err;

    // Opens the database, printing the reason on err when it cannot be opened.
    std::unique_ptr<store::Store> openStore(store::Store::Access access) const;
    // Prints "trailmark <command>: message" on err and returns exit code 1.
    int fail(const QString& message) const;
    // Prints a usage error on err and returns exit code 2.
    int usageError(const QString& message) const;
    // For commands that take no positional arguments: the usage error (2) naming the
    // first one given, or 0 when there is none.
    int refusePositionalArguments(const QCommandLineParser& parser) const;
    // For commands that take only --json and read every session: parses the arguments
    // (with --help, refusing positional ones), opens the store and lists the sessions.
    // nullopt with *status set to the exit code when the command is to end there.
    std::optional<SessionListing> listSessions(const QString& description, int* status) const;
    // Writes a JSON document as one line (plus newline) on out.
    void printJson(const QJsonDocument& document) const;
};

} // namespace trailmark::cli
