#include "capture/import/BashHistoryParser.h"

namespace trailmark::capture {
namespace {

// "#1700000000" (trailing blanks allowed): the time of the next command.
std::optional<qint64> timestampOf(QByteArrayView line, bool* looksLikeOne)
{
    *looksLikeOne = line.size() >= 2 && line[0] == '#' && line[1] >= '0' && line[1] <= '9';
    if (!*looksLikeOne)
        return std::nullopt;
    qint64 seconds = 0;
    qsizetype i = 1;
    for (; i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i) {
        if (i > 12) // beyond year 33658: not a time bash wrote
            return std::nullopt;
        seconds = seconds * 10 + (line[i] - '0');
    }
    if (seconds > kMaxHistorySeconds) // stored as int64 nanoseconds
        return std::nullopt;
    for (; i < line.size(); ++i) {
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
            return std::nullopt;
    }
    return seconds;
}

} // namespace

bool BashHistoryParser::parse(const QByteArray& data, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                              QString* error)
{
    bool seenTimestamp = false;
    qint64 pendingSeconds = -1; // of a timestamp line not yet used by a command; -1: none
    qint64 pendingLine = 0;
    ImportedCommand command;
    bool haveCommand = false;

    const auto emitCommand = [&]() {
        if (!haveCommand)
            return true;
        haveCommand = false;
        if (command.command.isEmpty()) {
            onProblem({command.line, QStringLiteral("empty command")});
            return true;
        }
        return onCommand(command, error);
    };

    qsizetype position = 0;
    qint64 lineNumber = 0;
    while (position < data.size()) {
        const qsizetype newline = data.indexOf('\n', position);
        const qsizetype end = newline < 0 ? data.size() : newline;
        const QByteArrayView line(data.constData() + position, end - position);
        position = newline < 0 ? data.size() : newline + 1;
        ++lineNumber;

        bool looksLikeTimestamp = false;
        const auto seconds = timestampOf(line, &looksLikeTimestamp);
        if (looksLikeTimestamp) {
            if (!emitCommand()) {
                return false;
            }
            if (pendingSeconds >= 0)
                onProblem({pendingLine, QStringLiteral("timestamp without a command")});
            pendingSeconds = -1;
            if (!seconds) {
                onProblem({lineNumber, QStringLiteral("not a valid timestamp line (expected '#SECONDS')")});
                continue;
            }
            seenTimestamp = true;
            pendingSeconds = *seconds;
            pendingLine = lineNumber;
            continue;
        }
        if (seenTimestamp && haveCommand && pendingSeconds < 0) {
            command.command.append('\n');
            command.command.append(line);
            continue;
        }
        if (!emitCommand()) {
            return false;
        }
        if (line.isEmpty() && pendingSeconds < 0)
            continue;
        command = ImportedCommand();
        command.line = lineNumber;
        command.command = line.toByteArray();
        if (pendingSeconds >= 0)
            command.startNs = pendingSeconds * 1'000'000'000;
        pendingSeconds = -1;
        haveCommand = true;
    }
    if (!emitCommand()) {
        return false;
    }
    if (pendingSeconds >= 0)
        onProblem({pendingLine, QStringLiteral("timestamp without a command")});
    return true;
}

} // namespace trailmark::capture
