#include "capture/import/ZshHistoryParser.h"

#include "capture/Digits.h"

#include <QList>

namespace trailmark::capture {
namespace {

constexpr char kMeta = '\x83';

struct Entry
{
    qint64 line = 0;
    QByteArray text;
};

struct Header
{
    qint64 startSeconds = 0;
    qint64 elapsedSeconds = 0;
    qsizetype commandOffset = 0;
};

std::optional<Header> parseHeader(const QByteArray& text)
{
    if (!text.startsWith(": "))
        return std::nullopt;
    const qsizetype colon = text.indexOf(':', 2);
    const qsizetype semicolon = colon < 0 ? -1 : text.indexOf(';', colon + 1);
    if (semicolon < 0)
        return std::nullopt;
    const auto start = parseDigits(QByteArrayView(text).sliced(2, colon - 2));
    const auto elapsed = parseDigits(QByteArrayView(text).sliced(colon + 1, semicolon - colon - 1));
    // Times are stored as int64 nanoseconds: later than 2262 cannot be one zsh wrote.
    if (!start || !elapsed || *start > kMaxHistorySeconds || *elapsed > kMaxHistorySeconds)
        return std::nullopt;
    return Header{*start, *elapsed, semicolon + 1};
}

QByteArray unmetafy(QByteArrayView text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] == kMeta && i + 1 < text.size()) {
            out.append(static_cast<char>(text[i + 1] ^ 0x20));
            ++i;
        } else {
            out.append(text[i]);
        }
    }
    return out;
}

} // namespace

bool ZshHistoryParser::parse(const QByteArray& data, const CommandVisitor& onCommand, const ProblemVisitor& onProblem,
                             QString* error)
{
    // First the logical entries (continuations joined), so that the file's kind can be
    // decided before any entry is judged.
    QList<Entry> entries;
    qsizetype position = 0;
    qint64 lineNumber = 0;
    while (position < data.size()) {
        Entry entry;
        entry.line = lineNumber + 1;
        for (;;) {
            const qsizetype newline = data.indexOf('\n', position);
            const qsizetype end = newline < 0 ? data.size() : newline;
            const QByteArrayView physical(data.constData() + position, end - position);
            ++lineNumber;
            position = newline < 0 ? data.size() : newline + 1;
            const bool continues = newline >= 0 && position < data.size() && physical.endsWith('\\') &&
                                   (physical.size() < 2 || physical[physical.size() - 2] != '\\');
            if (continues) {
                entry.text.append(physical.chopped(1));
                entry.text.append('\n');
                continue;
            }
            entry.text.append(physical);
            break;
        }
        if (!entry.text.isEmpty())
            entries.append(std::move(entry));
    }
    qsizetype withHeader = 0;
    for (const Entry& entry : std::as_const(entries))
        withHeader += parseHeader(entry.text).has_value() ? 1 : 0;
    const bool extended = withHeader * 2 > entries.size();

    ImportedCommand command;
    for (const Entry& entry : std::as_const(entries)) {
        command = ImportedCommand();
        command.line = entry.line;
        QByteArrayView text = entry.text;
        if (extended) {
            const auto header = parseHeader(entry.text);
            if (!header) {
                onProblem({entry.line,
                           QStringLiteral("not a zsh extended history entry (expected ': START:ELAPSED;COMMAND')")});
                continue;
            }
            command.startNs = header->startSeconds * 1'000'000'000;
            command.durationNs = header->elapsedSeconds * 1'000'000'000;
            text = text.sliced(header->commandOffset);
        }
        command.command = text.contains(kMeta) ? unmetafy(text) : text.toByteArray();
        if (command.command.isEmpty()) {
            onProblem({entry.line, QStringLiteral("empty command")});
            continue;
        }
        if (!onCommand(command, error)) {
            return false;
        }
    }
    return true;
}

} // namespace trailmark::capture
